"""Insights over time: what the journal shows about one's practice (core layer, no terminal)."""
