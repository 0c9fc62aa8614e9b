"""`roster import FILE [--dry-run] [--skip-invalid]` and `roster export OUT.xlsx|OUT.pdf`."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    roster = subparsers.add_parser("roster", help="花名册：导入、导出")
    commands = roster.add_subparsers(dest="roster_command", metavar="ACTION", required=True)

    imp = commands.add_parser("import", help="从 .xlsx 或 .csv（UTF-8/GBK）导入党员名单")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--dry-run", action="store_true", help="只检查并列出问题，不写入任何数据")
    imp.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行，导入其余各行")
    imp.set_defaults(handler=_import)

    exp = commands.add_parser("export", help="导出花名册：OUT.xlsx（完整信息）或 OUT.pdf（打印用，身份证号隐去中间位）")
    exp.add_argument("out", type=Path, metavar="OUT")
    exp.add_argument("--year", type=int, help="PDF：按该年12月31日的名单（默认今天）")
    exp.set_defaults(handler=_export)


def _import(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    if args.dry_run:
        return _dry_run(args)
    with open_services(args) as services:
        preview = services.roster_io.preview_import(args.file)
        print(_describe(preview))
        rejected = preview.error_rows
        if rejected and not args.skip_invalid:
            print(f"有 {rejected} 行存在错误，未导入任何数据。改正后重新导入，或加 --skip-invalid 跳过这些行。")
            return 1
        result = services.roster_io.commit_import(preview, skip_invalid=args.skip_invalid)
        print(result.summary)
        return 1 if result.skipped else 0


def _dry_run(args: argparse.Namespace) -> int:
    """Check the file against the roster without writing anything: the folder is opened read-only,
    and a folder with no data yet is not even created (the file is checked against an empty roster)."""
    import tempfile

    from desktop.cli.common import open_services

    with tempfile.TemporaryDirectory(prefix="branch-ledger-dry-run-") as scratch:
        target = args if _has_database(args) else argparse.Namespace(**{**vars(args), "data_dir": scratch})
        with open_services(target, read_only=True if target is args else None) as services:
            preview = services.roster_io.preview_import(args.file)
    print(_describe(preview))
    print("（试运行：未写入任何数据）")
    return 1 if preview.error_rows else 0


def _has_database(args: argparse.Namespace) -> bool:
    """Reading needs no lock: a dry run or an export works while the window has the folder open."""
    from desktop.storage.datadir import resolve_data_dir

    return resolve_data_dir(args.data_dir).database.exists()


def _describe(preview) -> str:  # type: ignore[no-untyped-def]
    where = f"工作表“{preview.sheet}”" if preview.sheet else f"编码 {preview.encoding}"
    lines = [f"文件：{preview.path.name}（{where}，表头在第{preview.header_row}行）"]
    lines.append("识别的列：" + "、".join(h if h == label else f"{h}→{label}" for h, label in preview.columns))
    if preview.ignored:
        lines.append("不导入的列：" + "、".join(preview.ignored))
    lines.append("未识别的列：" + ("、".join(preview.unrecognised) if preview.unrecognised else "无"))
    lines += [f"注意：{note}" for note in preview.notes if not note.startswith("未识别的列")]
    for row in preview.rows:
        if row.action == "更新" and row.changed:
            lines.append(f"第{row.row_number}行 {row.name}：更新 {'、'.join(row.changed)}")
        for problem in row.problems:
            kind = "错误" if problem.is_error else "提示"
            column = f"[{problem.column}] " if problem.column else ""
            lines.append(f"第{row.row_number}行 {row.name or '（无姓名）'}：{kind} {column}{problem.message}")
    lines.append(preview.summary)
    return "\n".join(lines)


def _export(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services
    from desktop.domain.errors import LedgerError

    suffix = args.out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise LedgerError(f"无法导出为 {args.out.name}：文件名须以 .xlsx 或 .pdf 结尾")
    with open_services(args, read_only=True if _has_database(args) else None) as services:
        if suffix == ".xlsx":
            path = services.roster_io.export_xlsx(args.out)
            count = len(services.roster.list_members())
            print(f"已导出 {count} 人到 {path}")
        else:
            rendered = services.roster_io.render_ledger(args.year, args.out)
            print(f"已生成党员花名册 {rendered.path}（党员 {len(rendered.records)} 名）")
    return 0
