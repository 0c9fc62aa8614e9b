"""`meetings list [--year Y]`, `meetings minutes ID --out FILE.pdf` and `signin-sheet ID --out FILE.pdf`.

(`ledger meetings --year Y --out FILE.pdf` is in cli/ledger.py, beside the other signed ledgers.)"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    meetings = subparsers.add_parser("meetings", help="组织生活：列出会议、打印会议记录")
    commands = meetings.add_subparsers(dest="meetings_command", metavar="ACTION", required=True)
    listing = commands.add_parser("list", help="列出某年的会议（含计划），显示会议编号（MEETING_ID）")
    listing.add_argument("--year", type=int, help="年份（默认今年）")
    listing.set_defaults(handler=_list)
    minutes = commands.add_parser("minutes", help="打印一次会议的会议记录（PDF）")
    minutes.add_argument("meeting_id", type=int, metavar="MEETING_ID")
    minutes.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    minutes.set_defaults(handler=_minutes)

    sheet = subparsers.add_parser("signin-sheet", help="打印会议签到表（PDF），列出应到党员姓名和签名栏")
    sheet.add_argument("meeting_id", type=int, metavar="MEETING_ID")
    sheet.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    sheet.set_defaults(handler=_signin_sheet)


def _read_only(args: argparse.Namespace) -> bool | None:
    """Reading needs no lock when the file exists: printing works while the window is open."""
    from desktop.storage.datadir import resolve_data_dir

    return True if resolve_data_dir(args.data_dir).database.exists() else None


def _list(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    with open_services(args, read_only=_read_only(args)) as services:
        year = args.year or services.ctx.today().year
        meetings = services.meetings.list_meetings(year)
    if not meetings:
        print(f"{year}年没有会议记录或计划。")
        return 0
    print("ID\t编号\t日期\t状态\t类型\t主题\t实到/应到")
    for m in meetings:
        counts = f"{m.present_count}/{m.expected_count}" if m.held else "-"
        print(f"{m.id}\t{m.number}\t{m.held_on.isoformat()}\t{m.status_label}\t{m.kinds_label}\t{m.topic}\t{counts}")
    return 0


def _check_pdf(out: Path) -> None:
    from desktop.domain.errors import LedgerError

    if out.suffix.lower() != ".pdf":
        raise LedgerError(f"输出文件 {out.name} 须以 .pdf 结尾")


def _signin_sheet(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    _check_pdf(args.out)
    with open_services(args, read_only=_read_only(args)) as services:
        rendered = services.meetings.render_signin_sheet(args.meeting_id, args.out)
    print(f"已生成{rendered.title}：{rendered.path}")
    return 0


def _minutes(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    _check_pdf(args.out)
    with open_services(args, read_only=_read_only(args)) as services:
        rendered = services.meetings.render_minutes(args.meeting_id, args.out)
    print(f"已生成{rendered.title}：{rendered.path}")
    return 0
