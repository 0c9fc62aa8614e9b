"""Models of the dues area (filled in by its issue)."""
