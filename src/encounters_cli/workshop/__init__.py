"""Workshops: trainers' YAML scripts (models, loader), running them (runner), and what grows on them."""
