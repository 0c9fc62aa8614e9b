"""Signing identity, PDF signatures (pyHanko), exchange packages (BagIt), the district side."""
