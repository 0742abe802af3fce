"""``terpadu serve``: run the web application (its accounts: ``terpadu users``)."""

from __future__ import annotations

import errno
import socket
from typing import Annotated

import typer

from terpadu.cli.common import console, fail, open_engine, say
from terpadu.cli.users import users_app  # moved to ``terpadu users``; kept importable here


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes (uvicorn workers).")] = 1,
) -> None:
    """Start the web application (pages and the /api/v1 JSON API)."""
    import uvicorn

    open_engine(migrate=True)
    check_listen(host, port)
    console.print(say("serve.running", host=host, port=port))
    uvicorn.run(
        "terpadu.web.server:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=False,
    )


def check_listen(host: str, port: int) -> None:
    """Fail in words, before anything is said to run, when ``host:port`` cannot be listened on.

    uvicorn would log an English ``[Errno 98]`` after the start was announced; the port
    is tried here the way uvicorn binds it (address reuse on, as it sets), then freed.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        fail(say("serve.bad_host", host=host))
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                fail(say("serve.port_taken", host=host, port=port, other=_free_port(host)))
            if exc.errno == errno.EACCES:
                fail(say("serve.port_denied", host=host, port=port))
            if exc.errno == errno.EADDRNOTAVAIL:
                fail(say("serve.bad_host", host=host))
            fail(say("serve.cannot_listen", host=host, port=port, reason=exc.strerror or exc))


def _free_port(host: str) -> int:
    """A port free now on ``host``, to suggest (8080 and up, else any)."""
    for candidate in range(8080, 8100):
        with socket.socket() as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


__all__ = ["check_listen", "serve", "users_app"]
