"""``terpadu serve``: run the web application (its accounts: ``terpadu users``)."""

from __future__ import annotations

from typing import Annotated

import typer

from terpadu.cli.common import console, open_engine
from terpadu.cli.users import users_app  # moved to ``terpadu users``; kept importable here


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes (uvicorn workers).")] = 1,
) -> None:
    """Start the web application (pages and the /api/v1 JSON API)."""
    import uvicorn

    open_engine(migrate=True)
    console.print(
        f"Terpadu berjalan di http://{host}:{port}/  (API: http://{host}:{port}/api/v1/docs)"
    )
    uvicorn.run(
        "terpadu.web.server:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=False,
    )


__all__ = ["serve", "users_app"]
