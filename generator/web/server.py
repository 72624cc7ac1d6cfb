"""Start the app under uvicorn: check the address, bind, print the URL, serve."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable
from pathlib import Path

from generator.errors import InputError
from generator.i18n import _
from generator.web.security import LOOPBACK, read_accounts

__all__ = ["run"]


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in ([port, 0] if port else [0]):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
        except OSError:
            sock.close()
            continue
        sock.listen(64)
        sock.set_inheritable(True)
        return sock
    raise InputError([_("cannot listen on {host}:{port}.", host=host, port=port)])


def run(folder: Path, *, host: str = "127.0.0.1", port: int = 8750, accounts_file: Path | None = None,
        open_browser: bool = True, echo: Callable[[str], object] = print) -> None:
    """Serve ``folder`` until Ctrl-C."""
    import uvicorn

    from generator.web.app import create_app

    accounts = read_accounts(accounts_file) if accounts_file is not None else None
    if host not in LOOPBACK and accounts is None:
        raise InputError([_(
            "--host {host} lets other computers in: give --accounts FILE with the people allowed (passwords "
            "hashed by congvan serve --hash-password), or leave --host out to serve this computer only.",
            host=host)])
    token = secrets.token_urlsafe(24)
    app = create_app(folder, token=token, accounts=accounts)
    sock = _bind(host, port)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    if accounts is None:
        url += f"?token={token}"
    echo(_("Serving {folder} at {url}", folder=folder.resolve(), url=url))
    echo(_("Open this address in the browser; Ctrl-C stops."))
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(0.8, lambda: webbrowser.open(url)).start()
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
