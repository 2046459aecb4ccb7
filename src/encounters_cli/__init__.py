"""encounters: a terminal coach for democratic encounters in public services."""

__version__ = "0.1.0"
