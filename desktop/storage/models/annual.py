"""Models of the annual area (filled in by its issue)."""
