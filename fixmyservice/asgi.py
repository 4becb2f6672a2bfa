"""Entry point for an ASGI server in production: `uvicorn --factory fixmyservice.asgi:app`.

Settings are read from the environment when the server starts, never at import time, so importing
the package (tests, tools) never needs production secrets.
"""

from __future__ import annotations

from starlette.applications import Starlette

from fixmyservice.app import create_app
from hotline.settings import load_settings


def app() -> Starlette:
    """Build the web app from the environment (the Procfile's `web` process)."""
    return create_app(load_settings())
