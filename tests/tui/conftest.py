"""Fixtures for the exam screens' Pilot tests."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phrasebook.clock import study_day
from phrasebook.cohorts import create_cohort, enrol
from phrasebook.people import StudySettings, create_person
from phrasebook.tui.app import make_app


@pytest.fixture
def programme(db_path, mini_decks, clock):
    app = make_app(db_path, clock=clock, decks_dir=mini_decks)
    store, now = app.store, clock()
    create_person(store, name="刘洋", staff_no="K1", role="coordinator")
    li = create_person(store, name="李老师", staff_no="T1", role="trainer")
    wang = create_person(store, name="王芳", staff_no="C1", settings=StudySettings(languages=("en",)))
    zhang = create_person(store, name="张伟", staff_no="C2", settings=StudySettings(languages=("en",)))
    today = study_day(now)
    c12 = create_cohort(store, name="第12期", starts_on=today, ends_on=today + timedelta(days=30), trainer=li, now=now)
    enrol(store, c12, [wang, zhang], now=now)
    return app
