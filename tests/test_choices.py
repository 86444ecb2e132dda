"""Multiple-choice options on the real decks: no look-alike options, same scenario, similar length, seeded."""

from __future__ import annotations

from phrasebook import paths
from phrasebook.answers import normalise
from phrasebook.choices import SIMILAR, Candidate, build, markers
from phrasebook.decks import load_decks
from phrasebook.people import StudySettings, create_person
from phrasebook.practice import ChoiceMaker
from phrasebook.session import DrillSession
from phrasebook.store import open_store

PHRASES = [p for d in load_decks(paths.decks_dir()) for p in d.phrases]


def pool(lang: str) -> list[Candidate]:
    return [Candidate(p.id, p.scenario, p.zh if lang == "zh" else p.translations[lang], p.speaker) for p in PHRASES]


def similar(a: str, b: str, lang: str) -> bool:
    la, lb = len(normalise(a, lang)), len(normalise(b, lang))
    return min(la, lb) / max(la, lb) >= SIMILAR


def test_every_phrase_gets_four_distinct_options_from_its_scenario_of_similar_length():
    """…said by the same side (see below) whenever the scenario has three such lines."""
    for lang in ("en", "ru", "ja", "ko", "zh"):
        candidates = pool(lang)
        by_id = {c.key: c for c in candidates}
        for answer in candidates:
            alternatives = next(p for p in PHRASES if p.id == answer.key).alternatives.get(lang, ())
            choice = build(answer, candidates, lang=lang, seed=f"{answer.key}|t", accepted=alternatives)
            assert len(choice.options) == 4
            assert choice.options[choice.correct] == answer.text and choice.keys[choice.correct] == answer.key
            assert len({normalise(o, lang) for o in choice.options}) == 4, (lang, answer.key, choice.options)
            wrong = [by_id[k] for i, k in enumerate(choice.keys) if i != choice.correct]
            assert not {normalise(a, lang) for a in alternatives} & {normalise(w.text, lang) for w in wrong}
            peers = [c for c in candidates if c.scenario == answer.scenario and c.key != answer.key
                     and c.speaker == answer.speaker and similar(c.text, answer.text, lang)]
            if len({normalise(c.text, lang) for c in peers} - {normalise(answer.text, lang)}) >= 3:
                assert all(w.scenario == answer.scenario and similar(w.text, answer.text, lang) for w in wrong), \
                    (lang, answer.key)


def test_small_scenarios_fall_back_to_other_scenarios_of_similar_length_first():
    answer = Candidate("a", "fees", "This service is free of charge.")
    candidates = [answer, Candidate("b", "fees", "Can I pay by card?"),
                  Candidate("c", "queue", "Please take a number and wait."),        # similar, other scenario
                  Candidate("d", "queue", "Please take a seat over there, thanks."),  # similar, other scenario
                  Candidate("e", "fees", "Yes."),                                   # same scenario, too short
                  Candidate("f", "fees", "THIS service is free of charge!"),        # same after normalising
                  Candidate("g", "identity", "May I see your passport, please? It is needed for the form.")]
    choice = build(answer, candidates, lang="en", seed="x")
    assert sorted(choice.keys) == ["a", "b", "c", "d"]


def test_options_are_deterministic_per_seed_and_vary_between_seeds():
    candidates = pool("en")
    answer = candidates[0]
    first = build(answer, candidates, lang="en", seed="7|2026-11-23T01:00:00")
    assert build(answer, candidates, lang="en", seed="7|2026-11-23T01:00:00") == first
    others = {build(answer, candidates, lang="en", seed=f"7|{i}") for i in range(10)}
    assert len(others) > 1


def test_choice_maker_on_a_real_database(real_db, clock):
    store = open_store(real_db)
    person = create_person(store, name="王芳", staff_no="C1", settings=StudySettings(languages=("ru",)))
    session = DrillSession(store, person, clock=clock)
    produce = session.next()
    assert produce.direction == "produce"
    maker = ChoiceMaker(store)
    choice = maker.for_prompt(produce, clock())
    assert choice.options[choice.correct] == produce.text and "\u0301" in produce.text  # Russian, with stress
    assert choice == maker.for_prompt(produce, clock())
    row = store.row("SELECT id FROM cards WHERE person_id = ? AND direction = 'recognise' LIMIT 1", (person.id,))
    recognise = session._prompt(store.row("SELECT * FROM cards WHERE id = ?", (row[0],)))
    meaning = maker.for_prompt(recognise, clock())
    assert meaning.options[meaning.correct] == recognise.zh  # the meaning is chosen in Chinese
    store.close()


def test_wrong_options_are_lines_the_same_speaker_says():
    """The card says who speaks ("办事群众说"): an option the other side would say is eliminated at a glance."""
    for lang in ("en", "ru", "zh"):
        candidates = pool(lang)
        by_id = {c.key: c for c in candidates}
        for answer in candidates:
            choice = build(answer, candidates, lang=lang, seed=f"{answer.key}|s")
            assert {by_id[k].speaker for k in choice.keys} == {answer.speaker}, (lang, answer.key, choice.options)


def test_choice_maker_offers_only_the_applicants_lines_for_an_applicants_line(real_db, clock):
    store = open_store(real_db)
    person = create_person(store, name="王芳", staff_no="C1", settings=StudySettings(languages=("en",)))
    session = DrillSession(store, person, clock=clock)
    speakers = {r["zh"]: r["speaker"] for r in store.rows("SELECT zh, speaker FROM phrases")}
    texts = {r["text"]: r["speaker"] for r in store.rows(
        "SELECT t.text, p.speaker FROM translations t JOIN phrases p ON p.pk = t.phrase_pk WHERE t.lang = 'en'")}
    maker = ChoiceMaker(store)
    for direction, side in (("recognise", speakers), ("produce", texts)):
        for row in store.rows("SELECT * FROM cards WHERE person_id = ? AND direction = ? LIMIT 20",
                              (person.id, direction)):
            prompt = session._prompt(row)
            choice = maker.for_prompt(prompt, clock())
            assert {side[o] for o in choice.options} == {prompt.speaker}, (prompt.zh, choice.options)
    store.close()


def test_an_answer_with_a_number_gets_distractors_with_numbers():
    """"1年到3年以下的是800元" must not point at the only option with a number in it: the sister lines (400 yuan,
    1,000 yuan) are offered, and an answer without a number gets distractors without one."""
    for lang in ("en", "ru", "zh"):
        candidates = pool(lang)
        by_id = {c.key: c for c in candidates}
        for seed in range(20):
            choice = build(by_id["fees-006"], candidates, lang=lang, seed=str(seed))
            assert all(markers(o, lang) for o in choice.options), (lang, choice.options)
            plain = build(by_id["fees-009"], candidates, lang=lang, seed=str(seed))  # WeChat Pay, Alipay…
            assert all(markers(o, lang) for o in plain.options) == bool(markers(by_id["fees-009"].text, lang))


def test_markers_are_numbers_and_latin_codes():
    assert markers("Please go to Area C on Floor 3.", "en") == {"c", "3"}
    assert markers("A residence permit for less than a year costs 400 yuan.", "en") == {"400"}  # not the article
    assert markers("I have an appointment at 10 a.m.", "en") == {"10"}
    assert markers("Номер A025, пройдите к окну 9.", "ru") == {"a025", "025", "9"}
    assert markers("请到３楼C区。", "zh") == {"3", "c"}
    assert not markers("Do you speak English?", "en")


def test_fewer_options_give_the_answer_away_by_its_number():
    """Over the real decks: of the option sets whose answer has a number or code, the answer is the only option
    with one in at most a fifth (it was most of them before distractors were chosen for it)."""
    for lang in ("en", "ru", "zh"):
        candidates = pool(lang)
        marked = [c for c in candidates if markers(c.text, lang)]
        alone = sum(sum(bool(markers(o, lang)) for o in build(c, candidates, lang=lang, seed="g").options) == 1
                    for c in marked)
        assert alone <= len(marked) / 5, (lang, alone, len(marked))
