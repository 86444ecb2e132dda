"""Can this phrase be *heard* here? Listening mode needs a clip, a player and somewhere for sound to go."""

from __future__ import annotations

import os

from textual.app import App

from phrasebook.audio.player import ENV_PLAYER, find_player, sound_device
from phrasebook.audio.speech import Utterance


def blocker(app: App, utterance: Utterance) -> str | None:
    """Why the clip cannot be heard (missing | no_player | no_device), or None when it can. In a browser
    (textual-serve) the clip goes to the browser, so only its existence matters."""
    path = app.audio.cache.find(utterance)
    if path is None:
        return "missing"
    if app.is_web:
        return None
    if find_player(path) is None:
        return "no_player"
    if not os.environ.get(ENV_PLAYER) and not sound_device():
        return "no_device"
    return None
