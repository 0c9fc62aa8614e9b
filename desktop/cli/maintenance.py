"""demo, check, backup."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help="在空数据文件夹中生成演示支部")
    demo.set_defaults(handler=_demo)
    check = subparsers.add_parser("check", help="检查数据文件的完整性（含审计链）")
    check.set_defaults(handler=_check)
    backup = subparsers.add_parser("backup", help="立即备份数据文件")
    backup.set_defaults(handler=_backup)


def _demo(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services
    from desktop.services.demo import build_demo

    with open_services(args) as services:
        build_demo(services)
        members = [m for m in services.roster.list_members() if m.is_party_member]
        print(f"已生成演示支部“{services.branch.branch_name()}”：党员 {len(members)} 名。数据文件夹：{services.ctx.data_dir}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    with open_services(args) as services:
        report = services.maintenance.check()
    if report.ok:
        print("检查通过：数据文件完整。")
        return 0
    for problem in report.problems:
        print(f"问题：{problem}")
    return 1


def _backup(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    with open_services(args) as services:
        path = services.maintenance.backup_now()
    print(f"已备份到 {path}")
    return 0
