"""The `cables serve` web UI and JSON API: `state.py` (the open index shared by concurrent
searches, the URL's search state), `views.py` (what the pages show), `handlers.py` (requests,
errors, the application)."""

from __future__ import annotations

from .handlers import create_app, run_server

__all__ = ["create_app", "run_server"]
