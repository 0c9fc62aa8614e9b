"""Command-line front end over the same services as the window.

`branch-ledger [--data-dir DIR] COMMAND ...`; without a command the window opens (desktop.app).
Each area's module adds its commands in `register(subparsers)`; handlers import services lazily
so that `--help` and the window start stay fast. A LedgerError is printed in Chinese and the
process exits 1."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from desktop import __version__
from desktop.domain.errors import LedgerError

MODULES: tuple[str, ...] = (
    "desktop.cli.maintenance",
    "desktop.cli.roster",
    "desktop.cli.meetings",
    "desktop.cli.dues",
    "desktop.cli.ledger",
    "desktop.cli.identity",
    "desktop.cli.sync",
    "desktop.cli.district",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="branch-ledger",
        description="支部工作台账：党支部工作的离线台账。不带子命令时打开窗口。",
    )
    parser.add_argument("--version", action="version", version=f"branch-ledger {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="数据文件夹（默认为本用户的应用数据目录）")
    parser.add_argument("--demo", action="store_true", help="打开窗口时，若数据文件夹为空则生成演示数据")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        return int(args.handler(args) or 0)
    except LedgerError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.command:
        print("请指定子命令；不带子命令运行 branch-ledger 会打开窗口。", file=sys.stderr)
        return 2
    return run(args)
