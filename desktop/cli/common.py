"""What every CLI handler needs: open the data folder's services, print tables."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.services.bundle import Services


@contextmanager
def open_services(args: argparse.Namespace, *, read_only: bool | None = None) -> Iterator[Services]:
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger

    ctx = open_ledger(args.data_dir, read_only=read_only)
    services = Services(ctx)
    try:
        yield services
    finally:
        services.close()
