"""Models of the exchange area (filled in by its issue)."""
