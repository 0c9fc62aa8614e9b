"""`sync export --out DIR [--since SEQ]` and `sync import PKG [--dry-run]` (branch side).

The branch passphrase comes from BRANCH_LEDGER_PASSPHRASE, else it is asked for (not echoed)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def passphrase(env: str, prompt: str) -> str:
    value = os.environ.get(env)
    if value:
        return value
    import getpass

    from desktop.domain.errors import LedgerError

    try:
        return getpass.getpass(prompt)
    except (EOFError, OSError):
        raise LedgerError(f"需要口令：请在终端输入，或设置环境变量 {env}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    sync = subparsers.add_parser("sync", help="与区里同步：导出同步包、导入区里下发的包")
    commands = sync.add_subparsers(dest="sync_command", metavar="ACTION", required=True)

    exp = commands.add_parser("export", help="导出签名的同步包（默认：自上一个包以来的变更），打印包的路径")
    exp.add_argument("--out", type=Path, required=True, metavar="DIR", help="目标文件夹（如U盘）")
    exp.add_argument("--since", type=int, metavar="SEQ", help="从第 SEQ 号包之后的变更开始（0 = 全部）")
    exp.add_argument("--plan", action="store_true", help="只列出将要导出的内容，不导出")
    exp.add_argument("--no-ledgers", action="store_true", help="不附签名台账 PDF（记录、审计和统计数仍报送）")
    exp.set_defaults(handler=_export)

    imp = commands.add_parser("import", help="验证并导入区里下发的包（通知、转入党员、考核结果）")
    imp.add_argument("package", type=Path, metavar="PKG")
    imp.add_argument("--dry-run", action="store_true", help="只验证并列出将作的改动")
    imp.set_defaults(handler=_import)

    hist = commands.add_parser("history", help="已导出的同步包及其哈希")
    hist.set_defaults(handler=_history)


def describe_plan(plan) -> list[str]:  # type: ignore[no-untyped-def]
    lines = [f"第 {plan.sequence} 号包，支部代码 {plan.branch_code or '（无）'}，"
             f"期间 {plan.period_start or '建账起'} 至 {plan.period_end}"]
    lines += [f"  {table}：{count} 条记录" for table, count in plan.tables]
    lines.append(f"  审计记录 {plan.audit_entries} 条；新附件 {plan.attachments} 个；签名台账年度 "
                 + "、".join(str(y) for y in plan.ledger_years))
    lines += [f"  问题：{p}" for p in plan.problems]
    return lines


def _export(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    with open_services(args) as services:
        if args.plan:
            print("\n".join(describe_plan(services.sync.plan_export(args.since))))
            return 0
        secret = passphrase("BRANCH_LEDGER_PASSPHRASE", "支部签名口令：")
        sent = services.sync.export_package(args.out, passphrase=secret, since_seq=args.since,
                                            with_ledgers=not args.no_ledgers)
        print(sent.path)
        return 0


def _import(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    with open_services(args) as services:
        preview = services.sync.import_district_package(args.package)
        print(f"{preview.file_name}：区里下发的第 {preview.sequence} 号包，签名有效")
        for line in preview.changes:
            print(f"  {line}")
        if args.dry_run or preview.already_applied:
            return 0
        services.sync.apply_district_package(args.package)
        print("已导入。")
        return 0


def _history(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    with open_services(args, read_only=None) as services:
        for sent in services.sync.history():
            print(f"第{sent.sequence}号 {sent.exported_time:%Y-%m-%d %H:%M} {sent.file_name} "
                  f"包哈希 {sent.package_hash} 文件SHA-256 {sent.file_sha256}")
        return 0
