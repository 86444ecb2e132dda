"""`phrasebook serve`: the same app in a browser, for halls whose clerks have no terminal.

textual-serve runs one app process per browser tab (`python -m phrasebook --db …`), each with its own login, all
on the one database file (WAL, short write transactions: see store/db.py). Audio in the browser is delivered to the
tab, not played on the server (`tui/audio.py`, `app.is_web`).
"""

from __future__ import annotations

import shlex
import sys

import click

from phrasebook import paths
from phrasebook.clickui import Command
from phrasebook.errors import PhrasebookError, os_reason
from phrasebook.i18n import t


@click.command("serve", cls=Command, help=t("serve.help"))
@click.option("--host", default="127.0.0.1", show_default=True, help=t("serve.host"))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=t("serve.port"))
@click.option("--public-url", metavar="URL", help=t("serve.public_url"))
@click.pass_obj
def serve(opts, host: str, port: int, public_url: str | None) -> None:
    from textual_serve.server import Server

    db = paths.db_path(opts.db)
    opts.store().close()  # once, before any tab: a bad --db fails here clearly; migrations and deck imports run
    command = [sys.executable, "-m", "phrasebook", "--db", str(db)]
    if opts.ui_lang:
        command += ["--ui-lang", opts.ui_lang]
    server = Server(shlex.join(command), host=host, port=port, title=t("app.title"), public_url=public_url)
    click.echo(t("serve.listening", url=server.public_url, db=db))
    try:
        server.serve()
    except OSError as err:  # the port is taken, or the host is not this machine's
        raise PhrasebookError("serve.cannot_listen", host=host, port=port, error=os_reason(err)) from None
