"""Audio fixtures: the local Google endpoint wired into the real gTTS code, a refused port, the binaries."""

from __future__ import annotations

import os
import shutil
import socket
import threading

import pytest

from phrasebook import paths
from phrasebook.audio.cache import AudioCache
from tests.audio.fake_google import FakeGoogle


def need_binary(name: str) -> str:
    """The path of a program CI installs; skipped on a developer machine without it, never skipped in CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} must be installed in CI (see .ci/run)")
        pytest.skip(f"{name} not installed")
    return path


@pytest.fixture
def google(monkeypatch):
    import gtts.tts

    server = FakeGoogle()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setattr(gtts.tts, "_translate_url", lambda tld="com", path="": server.url + path)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def google_offline(monkeypatch):
    """gTTS pointed at a local port nobody listens on: a refused connection, as when offline."""
    import gtts.tts

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    monkeypatch.setattr(gtts.tts, "_translate_url", lambda tld="com", path="": f"http://127.0.0.1:{port}/{path}")


@pytest.fixture
def espeak() -> str:
    return need_binary("espeak-ng")


@pytest.fixture
def cache() -> AudioCache:
    """The cache the CLI and the app use too ($PHRASEBOOK_AUDIO, set per test by the root conftest)."""
    return AudioCache(paths.audio_dir())
