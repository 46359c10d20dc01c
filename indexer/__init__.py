"""cables: full-text search over the Cablegate diplomatic cables, built on Whoosh."""

__version__ = "0.1.0"
