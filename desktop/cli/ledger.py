"""`ledger KIND --year YYYY --out FILE.pdf [--sign]` (KIND: roster | meetings | dues | report)."""

from __future__ import annotations

import argparse
from pathlib import Path

KIND_CHOICES = ("roster", "meetings", "dues", "report")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ledger", help="导出台账 PDF（可签名）：roster 花名册、meetings 组织生活、dues 党费（.xlsx 亦可）、report 述职报告",
    )
    parser.add_argument("kind", choices=KIND_CHOICES, metavar="KIND", help="roster | meetings | dues | report")
    parser.add_argument("--year", type=int, default=None, metavar="YYYY", help="年度（默认今年）")
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="输出文件")
    parser.add_argument("--sign", action="store_true", help="用支部签名证书签名（口令来自提示或环境变量 BRANCH_LEDGER_PASSPHRASE）")
    parser.set_defaults(handler=_ledger)


def _ledger(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services
    from desktop.domain.errors import LedgerError

    out = Path(args.out)
    if out.suffix.lower() == ".xlsx":
        if args.kind != "dues":
            raise LedgerError("只有党费台账（dues）可以导出为 .xlsx；其他台账请用 .pdf。")
        if args.sign:
            raise LedgerError(".xlsx 文件不能签名：请导出 .pdf 再签名。")
        with open_services(args) as services:
            path = services.dues.export_xlsx(args.year, out)
        print(f"已导出 {path}")
        return 0
    secret = None
    if args.sign:
        from desktop.cli.identity import passphrase

        secret = passphrase()
    with open_services(args) as services:
        produced = services.ledgers.export(args.kind, args.year, out, sign=args.sign, passphrase=secret)
    print(f"已导出《{produced.title}》：{produced.path}（{produced.signature_state}，"
          f"含记录 {produced.record_count} 条，审计链 #{produced.audit_seq}）")
    if produced.signed:
        print("其中的记录已锁定：之后修改需填写更正原因。")
    return 0
