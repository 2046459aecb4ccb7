"""Storage layer: paths, config and the SQLite journal. Nothing above this layer speaks SQL."""
