"""Playing a file through whatever player the machine has, honestly.

Players run as subprocesses with stdin/stdout closed and stderr captured (ALSA and SDL noise must never reach
the TUI). Their exit codes are not trusted alone: ffplay and mpg123 exit 0 after failing to open a device, so
their stderr is read too. With no sound device at all, no player is started: some (mpg123) spin forever when
there is nowhere to send sound. Every play has a deadline. `$PHRASEBOOK_PLAYER` names a player explicitly.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from phrasebook.audio.cache import wav_seconds

ENV_PLAYER = "PHRASEBOOK_PLAYER"

# name → (arguments before the file, formats it plays)
PLAYERS: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "mpv": (["--no-video", "--really-quiet", "--no-terminal"], (".mp3", ".wav")),
    "ffplay": (["-nodisp", "-autoexit", "-loglevel", "error"], (".mp3", ".wav")),
    "mpg123": (["-q"], (".mp3", ".wav")),
    "afplay": ([], (".mp3", ".wav")),
    "pw-play": ([], (".wav",)),
    "paplay": ([], (".wav",)),
    "aplay": (["-q"], (".wav",)),
}
# What a player that exits 0 anyway prints when it could not play.
FAILURE_TEXT = re.compile(r"error|fail|cannot|can't|could not|unable|no such|invalid", re.IGNORECASE)
DEADLINE_SLACK = 5.0  # seconds beyond the clip's length before a player is killed
DEFAULT_DEADLINE = 30.0


@dataclass(frozen=True)
class PlayResult:
    ok: bool
    reason: str | None = None  # no_player | no_device | failed | timeout
    detail: str = ""


def sound_device() -> bool:
    """Is there anywhere for sound to go? (An ALSA playback device, or a PulseAudio/PipeWire server.)"""
    if sys.platform in ("darwin", "win32"):
        return True
    if glob.glob("/dev/snd/pcmC*D*p"):
        return True
    if os.environ.get("PULSE_SERVER"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return bool(runtime) and any(Path(runtime, s).exists() for s in ("pulse/native", "pipewire-0"))


def find_player(path: Path) -> list[str] | None:
    """The command to play this file: $PHRASEBOOK_PLAYER, else the first installed player for its format."""
    if explicit := os.environ.get(ENV_PLAYER):
        return shlex.split(explicit)
    for name, (args, formats) in PLAYERS.items():
        if path.suffix in formats and (binary := shutil.which(name)):
            return [binary, *args]
    return None


def judge(command: list[str], returncode: int, stderr: str) -> bool:
    """Did the player play? A non-zero exit says no; for players known to lie, error text on stderr says no."""
    if returncode != 0:
        return False
    name = Path(command[0]).name
    return not (name in ("ffplay", "mpg123") and FAILURE_TEXT.search(stderr))


class Player:
    """Plays one clip at a time; a new play stops the previous one. `play` blocks: call it from a worker."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: subprocess.Popen | None = None

    @staticmethod
    def preflight(path: Path) -> str | None:
        """Why this file cannot be played here (no_player | no_device), or None: checked before starting one."""
        if find_player(path) is None:
            return "no_player"
        if not os.environ.get(ENV_PLAYER) and not sound_device():
            return "no_device"
        return None

    def play(self, path: Path) -> PlayResult:
        if reason := self.preflight(path):
            return PlayResult(False, reason)
        command = find_player(path)
        self.stop()
        seconds = wav_seconds(path) if path.suffix == ".wav" else None
        deadline = seconds + DEADLINE_SLACK if seconds else DEFAULT_DEADLINE
        try:
            process = subprocess.Popen([*command, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, start_new_session=True)
        except OSError as err:
            return PlayResult(False, "failed", str(err))
        with self._lock:
            self._current = process
        try:
            _, err = process.communicate(timeout=deadline)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return PlayResult(False, "timeout")
        finally:
            with self._lock:
                if self._current is process:
                    self._current = None
        stderr = err.decode(errors="replace")
        if process.returncode < 0:  # stopped by a newer play: not a failure
            return PlayResult(True)
        if judge(command, process.returncode, stderr):
            return PlayResult(True)
        return PlayResult(False, "failed", stderr.strip().splitlines()[-1][:200] if stderr.strip() else "")

    def stop(self) -> None:
        with self._lock:
            process, self._current = self._current, None
        if process and process.poll() is None:
            process.kill()  # some players (mpg123) ignore SIGTERM while stuck
