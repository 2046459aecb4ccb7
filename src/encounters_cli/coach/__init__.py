"""The coach: guided prepare/reflect flows, quick logging, suggestions and editing (core layer)."""
