"""The `cables serve` web UI and JSON API (see `app.py`)."""

from __future__ import annotations

from .app import create_app, run_server

__all__ = ["create_app", "run_server"]
