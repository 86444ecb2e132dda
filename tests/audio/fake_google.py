"""A local HTTP server that answers like Google Translate's batchexecute TTS endpoint, so the real gTTS code
runs in tests: it parses the same request body and gets the same response framing (as in gTTS's own tests)."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/_/TranslateWebserverUi/data/batchexecute"


def silent_mp3(frames: int = 40) -> bytes:
    """MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono frames of silence (~26 ms each)."""
    header = bytes([0xFF, 0xFB, 0x90, 0xC4])
    return (header + bytes(417 - 4)) * frames


class FakeGoogle(ThreadingHTTPServer):
    """`statuses`: what to answer, request by request (then 200); `always` overrides every answer."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.statuses: list[int] = []
        self.always: int | None = None
        self.retry_after: str | None = None
        self.delays: list[float] = []  # seconds to stall before answering, request by request
        self.requests: list[tuple[str, str]] = []  # (text, lang) as gTTS sent them
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def next_status(self) -> int:
        with self.lock:
            if self.always is not None:
                return self.always
            return self.statuses.pop(0) if self.statuses else 200


class _Handler(BaseHTTPRequestHandler):
    server: FakeGoogle

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        if self.path != PATH:
            self.send_error(404)
            return
        rpc = json.loads(urllib.parse.parse_qs(body)["f.req"][0])
        text, lang, *_ = json.loads(rpc[0][0][1])
        with self.server.lock:
            self.server.requests.append((text, lang))
        with self.server.lock:
            delay = self.server.delays.pop(0) if self.server.delays else 0
        time.sleep(delay)
        status = self.server.next_status()
        if status != 200:
            self.send_response(status)
            if self.server.retry_after:
                self.send_header("Retry-After", self.server.retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        audio = base64.b64encode(silent_mp3()).decode()
        payload = f')]}}\'\n\n{len(audio) + 60}\n[["wrb.fr","jQ1olc","[\\"{audio}\\"]",null,null,null,"generic"]]\n'
        data = payload.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass
