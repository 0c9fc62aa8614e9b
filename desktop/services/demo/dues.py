"""Demo data of the dues area (filled in by its issue)."""
