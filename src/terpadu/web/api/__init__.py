"""The JSON API under ``/api/v1`` (OpenAPI at ``/api/v1/docs``)."""

from terpadu.web.api.routes import router

__all__ = ["router"]
