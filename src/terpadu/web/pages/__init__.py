"""Server-rendered pages (Jinja2 + htmx), in Bahasa Indonesia with English selectable."""

from terpadu.web.pages.routes import router

__all__ = ["router"]
