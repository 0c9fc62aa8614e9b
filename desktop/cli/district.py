"""CLI commands of the district area (added by its issue)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """No commands yet."""
