"""Audio for every phrase: engines (gTTS online, espeak-ng offline), the file cache, the builder, playback.

Nothing here is imported at TUI start-up beyond this package's light modules; gTTS, requests and fugashi load
only when something is synthesised.
"""

from __future__ import annotations

from phrasebook import paths
from phrasebook.audio.cache import AudioCache
from phrasebook.audio.engines import Espeak
from phrasebook.audio.speech import Utterance


def default_cache() -> AudioCache:
    return AudioCache(paths.audio_dir())


def speak_offline(utterance: Utterance, cache: AudioCache | None = None):
    """Make one missing file on the spot with espeak-ng (the drill's "synthesise it now")."""
    return (cache or default_cache()).write(Espeak(), utterance)
