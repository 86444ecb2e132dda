"""`phrasebook serve` end to end: the real textual-serve server, a websocket client speaking the browser's
protocol, and the real app process behind it — the first-run form filled in through the browser's keystrokes
lands a coordinator in the database."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time

import aiohttp
import pytest

from phrasebook.people import StudySettings, create_person, find_person
from phrasebook.store import open_store
from tests.audio.conftest import need_binary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(db_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "phrasebook", "--db", str(db_path), "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ.copy())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert proc.poll() is None, proc.stdout.read().decode()
            time.sleep(0.1)
    yield f"127.0.0.1:{port}", proc
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


async def read_until(ws, done, seen: list[str], notes: list, timeout: float = 30) -> None:
    """Read the websocket until `done()`: the app's terminal output goes to `seen`, the browser's other messages
    (JSON text frames such as deliver_file_start) to `notes`."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not done():
        msg = await asyncio.wait_for(ws.receive(), max(0.1, end - loop.time()))
        if msg.type == aiohttp.WSMsgType.BINARY:
            seen.append(msg.data.decode("utf-8", "replace"))
        elif msg.type == aiohttp.WSMsgType.TEXT:
            notes.append(json.loads(msg.data))
        else:
            raise AssertionError("websocket closed")


async def screen_until(ws, text: str, seen: list[str], notes: list | None = None) -> None:
    """Read until `text` has appeared on the app's screen."""
    await read_until(ws, lambda: text in "".join(seen), seen, [] if notes is None else notes)


async def type_keys(ws, *keys: str) -> None:
    for key in keys:
        await ws.send_str(json.dumps(["stdin", key]))
        await asyncio.sleep(0.15)


async def test_the_app_runs_in_a_browser_tab(server, db_path):
    address, proc = server
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://{address}/") as page:
            html = await page.text()
        assert page.status == 200 and f"ws://{address}/ws" in html
        async with http.ws_connect(f"http://{address}/ws?width=110&height=36") as ws:
            seen: list[str] = []
            await screen_until(ws, "首次使用", seen)  # the first-run form, drawn by the app process
            await type_keys(ws, "刘洋", "\t", "K001", "\t", "\t", "2468", "\t", "2468", "\r")
            seen.clear()
            await screen_until(ws, "您好", seen)  # the dashboard greets the new coordinator
    store = open_store(db_path)
    boss = find_person(store, "K001")
    assert boss.role == "coordinator" and boss.name == "刘洋" and boss.has_pin
    assert proc.poll() is None  # the server outlives the tab


def test_a_taken_port_is_one_clear_message(db_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "phrasebook", "--db", str(db_path), "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"无法在 127.0.0.1:{port} 上启动网页服务" in done.stderr


async def test_audio_goes_to_the_browser_tab_not_the_servers_speakers(server, db_path, monkeypatch):
    """A clerk drilling in a browser hears the clip in the browser: revealing the answer hands the cached file
    to the tab (textual-serve's deliver_file_start, then /download/KEY) and starts no player on the server."""
    need_binary("espeak-ng")
    monkeypatch.setenv("PHRASEBOOK_PLAYER", "false")  # were a player started on the server, nothing would arrive
    address, _proc = server
    store = open_store(db_path)
    create_person(store, name="刘洋", staff_no="K1", role="coordinator", secret="2468")
    create_person(store, name="王芳", staff_no="C1", secret="1357", settings=StudySettings(languages=("en",)))
    built = subprocess.run([sys.executable, "-m", "phrasebook", "--db", str(db_path), "audio", "build", "--deck",
                            "greeting", "--lang", "en", "--engine", "espeak"], capture_output=True, text=True,
                           timeout=120)
    assert built.returncode == 0, built.stderr
    first_en = store.value("SELECT t.text FROM phrases p JOIN translations t ON t.phrase_pk = p.pk AND t.lang = 'en' "
                           "WHERE p.deck_id = 'greeting' ORDER BY p.position LIMIT 1")
    async with aiohttp.ClientSession() as http, http.ws_connect(f"http://{address}/ws?width=110&height=36") as ws:
        seen: list[str] = []
        notes: list = []
        await screen_until(ws, "选择学员", seen)
        await type_keys(ws, "\t", "C1", "\r")
        await screen_until(ws, "请输入", seen)
        await type_keys(ws, *"1357", "\r")
        await screen_until(ws, "问候与了解需求", seen)  # the clerk's home, greeting deck first
        await type_keys(ws, "\r")
        await screen_until(ws, "空格", seen)  # the prompt: think, then Space
        await type_keys(ws, " ")
        await screen_until(ws, first_en[:20], seen, notes=notes)  # the answer is on screen
        await read_until(ws, lambda: any(n[0] == "deliver_file_start" for n in notes), seen, notes, timeout=20)
        keys = [n[1] for n in notes if n[0] == "deliver_file_start"]
        assert keys, notes
        async with http.get(f"http://{address}/download/{keys[0]}") as clip:
            body = await clip.read()
            assert clip.status == 200 and clip.headers["Content-Type"].startswith("audio/")
            assert "inline" in clip.headers["Content-Disposition"]
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE" and len(body) > 10_000
