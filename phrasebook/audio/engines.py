"""Speech engines behind one small interface: gTTS (Google's voices, needs the network) and espeak-ng (offline).

An engine writes one utterance to a file or raises EngineError with a kind the builder acts on:
`offline` (no route to the service: fall back or stop), `transient` (429, 5xx, a read timeout: retry with
backoff), `failed` (this utterance cannot be made), `missing` (the engine is not installed).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Protocol

from phrasebook.audio.speech import Utterance, offline_text, plain

GTTS_LANG = {"zh": "zh", "en": "en", "ja": "ja", "ko": "ko", "ru": "ru"}
ESPEAK_VOICE = {"zh": "cmn-latn-pinyin", "en": "en-us", "ja": "ja", "ko": "ko", "ru": "ru"}
ESPEAK_WPM = 150  # a little slower than espeak-ng's 175: these are phrases to imitate


class EngineError(Exception):
    def __init__(self, kind: str, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail, self.retry_after = kind, detail, retry_after


class Engine(Protocol):
    name: str
    extension: str

    def synthesise(self, utterance: Utterance, dest: Path) -> None: ...


class Gtts:
    """Google Translate's text-to-speech through the gTTS package (MP3)."""

    name = "gtts"
    extension = "mp3"

    def __init__(self, timeout: tuple[float, float] = (4.0, 20.0)) -> None:
        self.timeout = timeout

    def synthesise(self, utterance: Utterance, dest: Path) -> None:
        from gtts import gTTS, gTTSError

        buffer = io.BytesIO()
        try:
            gTTS(plain(utterance.text), lang=GTTS_LANG[utterance.lang], timeout=self.timeout).write_to_fp(buffer)
        except gTTSError as err:
            raise _classify(err) from err
        if not buffer.getvalue():
            raise EngineError("failed", "empty response")
        dest.write_bytes(buffer.getvalue())


def _classify(err: Exception) -> EngineError:
    """Turn gTTS's one exception type back into what happened (it keeps the HTTP response or the cause)."""
    import requests

    response = getattr(err, "rsp", None)
    if response is not None:
        status = response.status_code
        if status == 429 or status >= 500:
            retry_after = response.headers.get("Retry-After", "")
            return EngineError("transient", f"HTTP {status}",
                               float(retry_after) if retry_after.replace(".", "", 1).isdigit() else None)
        return EngineError("failed", f"HTTP {status}")
    cause = err.__context__
    if isinstance(cause, requests.exceptions.ConnectTimeout | requests.exceptions.ProxyError):
        return EngineError("offline", str(cause))
    if isinstance(cause, requests.exceptions.Timeout | requests.exceptions.ChunkedEncodingError):
        return EngineError("transient", type(cause).__name__)
    if isinstance(cause, requests.exceptions.ConnectionError):
        return EngineError("offline", str(cause))
    return EngineError("failed", str(err))


class Espeak:
    """The espeak-ng binary (WAV): robotic but always there. Japanese from kana, Mandarin from pinyin."""

    name = "espeak"
    extension = "wav"

    def __init__(self, binary: str | None = None, timeout: float = 30.0) -> None:
        self.binary = binary or shutil.which("espeak-ng") or shutil.which("espeak")
        self.timeout = timeout

    def synthesise(self, utterance: Utterance, dest: Path) -> None:
        if not self.binary:
            raise EngineError("missing", "espeak-ng")
        text = offline_text(utterance)
        command = [self.binary, "-v", ESPEAK_VOICE[utterance.lang], "-s", str(ESPEAK_WPM), "-w", str(dest)]
        try:
            done = subprocess.run(command, input=text.encode(), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise EngineError("transient", "espeak-ng timed out") from err
        if done.returncode != 0:
            raise EngineError("failed", done.stderr.decode(errors="replace").strip()[:200])


ENGINES = ("gtts", "espeak")


def make_engine(name: str) -> Engine:
    return Gtts() if name == "gtts" else Espeak()
