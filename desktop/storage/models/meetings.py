"""Models of the meetings area (filled in by its issue)."""
