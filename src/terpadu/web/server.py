"""The application object uvicorn imports (``terpadu.web.server:app``), from the settings."""

from __future__ import annotations

from terpadu.web.app import create_app

app = create_app()
