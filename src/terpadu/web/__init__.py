"""The web application for operators: server-rendered pages, a JSON API, accounts and scope.

``create_app(engine=None, settings=None)`` builds the FastAPI application;
``terpadu serve`` runs it with uvicorn. See docs/web.md.
"""

from terpadu.web.app import create_app

__all__ = ["create_app"]
