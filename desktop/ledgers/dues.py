"""The dues ledger (党费收缴台账, domain.md §4) as PDF and .xlsx, and the payment receipt (收据).

Renderers take the service's DTOs; no database here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle

from desktop.domain.dues import PAYMENT_METHODS, months_text, rmb_upper, yuan

from desktop.storage.files import write_atomically
from desktop.ledgers.fonts import FONT
from desktop.ledgers.layout import PageInfo, amendment_row, build_pdf, grid_table, para, styles

if TYPE_CHECKING:  # DTOs only (the ledgers layer sits below services)
    import datetime as dt

ITEMS = ("应缴", "实缴", "缴纳日期", "收缴人")
HEADER = ["序号", "姓名", "人员类别", "年度核定基数", "执行比例", "月应缴", "项目",
          *[f"{m}月" for m in range(1, 13)], "全年应缴", "全年实缴", "欠缴", "备注"]
# mm; sums to the 267 mm between the landscape margins
WIDTHS_MM = (7, 14, 13, 15, 10, 12, 13, *([11] * 12), 14, 14, 12, 11)
NOTE_INLINE = 6  # notes up to this many characters print in the 备注 cell; longer ones below the table
ZERO = Decimal("0.00")
TOP_MARGIN = 16 * mm  # as desktop.ledgers.layout.build_pdf
BOTTOM_MARGIN = 15 * mm


def _money(value: Decimal | None) -> str:
    return "" if value is None else yuan(value)


def _member_rows(row: Any, number: int, note_ref: str) -> list[list[str]]:
    """The four lines of one member: 应缴 / 实缴 / 缴纳日期 / 收缴人 for each month."""
    due = [_money(c.due) if c.due is not None else c.text or "—" for c in row.cells]
    paid = [_money(c.paid) if c.paid else ("" if c.due is None or c.state == "future" else c.text) for c in row.cells]
    dates = [f"{c.paid_on:%m-%d}" if c.paid_on else "" for c in row.cells]
    who = [c.collector or "" for c in row.cells]
    fixed = [str(number), row.name, row.category, _money(row.base) if row.base is not None else "定额" if row.monthly is not None else "",
             row.rate_label, _money(row.monthly)]
    totals = [_money(row.year_due), _money(row.year_paid), _money(row.arrears), note_ref]
    lines = []
    for index, (item, cells) in enumerate(zip(ITEMS, (due, paid, dates, who))):
        lines.append([*(fixed if index == 0 else [""] * 6), item, *cells, *(totals if index == 0 else [""] * 4)])
    return lines


def _block_commands(start: int, row: Any) -> list[tuple]:
    """Spans and marks of one member's four lines starting at table row `start`."""
    commands: list[tuple] = [("SPAN", (col, start), (col, start + 3)) for col in (*range(0, 6), *range(19, 23))]
    commands.append(("LINEABOVE", (0, start), (-1, start), 1.0, colors.black))
    commands.append(("BACKGROUND", (6, start + 1), (18, start + 1), colors.HexColor("#F4F4F4")))
    for month_col, cell in enumerate(row.cells, start=7):
        if cell.state in ("overdue", "partial"):
            commands.append(("TEXTCOLOR", (month_col, start + 1), (month_col, start + 1), colors.HexColor("#B00020")))
    return commands


# (four lines, the row DTO, the 更正 lines printed beneath the member's block)
Block = tuple[list[list[str]], Any, Sequence[str]]
Amendments = Mapping[tuple[str, str], Sequence[str]]


def _member_blocks(data: Any, amendments: Amendments | None = None) -> tuple[list[Block], list[str]]:
    """One block per member, and the notes too long for the 备注 cell. `amendments` maps
    ("member", str(member_id)) to the 更正 lines of that member's dues records."""
    amendments = amendments or {}
    blocks = []
    notes: list[str] = []
    for number, row in enumerate(data.rows, start=1):
        ref = row.note
        if len(row.note) > NOTE_INLINE:
            notes.append(f"注{len(notes) + 1}（{row.name}）：{row.note}")
            ref = f"见注{len(notes)}"
        blocks.append((_member_rows(row, number, ref), row, tuple(amendments.get(("member", str(row.member_id)), ()))))
    return blocks, notes


def _note_style() -> ParagraphStyle:
    return ParagraphStyle("dues_amendment", parent=styles()["cell"], fontSize=7, leading=9)


def _total_rows(data: Any) -> list[list[str]]:
    due_by_month = [sum((r.cells[m].due or ZERO for r in data.rows), ZERO) for m in range(12)]
    paid_by_month = [sum((r.cells[m].paid for r in data.rows), ZERO) for m in range(12)]
    fig = data.figures
    return [["合计", "", "", "", "", "", "应缴", *[yuan(v) for v in due_by_month], yuan(fig.due), yuan(fig.paid),
             yuan(fig.arrears), ""],
            ["", "", "", "", "", "", "实缴", *[yuan(v) for v in paid_by_month], "", "", "", ""]]


def _total_commands(start: int) -> list[tuple]:
    commands: list[tuple] = [("SPAN", (0, start), (5, start + 1)), ("LINEABOVE", (0, start), (-1, start), 1.2, colors.black)]
    return commands + [("SPAN", (col, start), (col, start + 1)) for col in range(19, 23)]


MAIN_STYLE: tuple[tuple, ...] = (
    ("ALIGN", (0, 1), (-1, -1), "CENTER"),
    ("ALIGN", (7, 1), (18, -1), "RIGHT"),
    ("ALIGN", (19, 1), (21, -1), "RIGHT"),
    ("LEFTPADDING", (0, 0), (-1, -1), 1.5), ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
    ("TOPPADDING", (0, 0), (-1, -1), 0.3), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8),
)


def _main_table(blocks: list[Block], totals: list[list[str]] | None) -> Table:
    rows: list[list[Any]] = [list(HEADER)]
    commands: list[tuple] = []
    note_style = _note_style() if any(b[2] for b in blocks) else None
    for lines, row, amended in blocks:
        commands += _block_commands(len(rows), row)
        rows.extend(lines)
        if amended and note_style is not None:
            cells, note_commands = amendment_row(amended, len(HEADER), len(rows), note_style)
            rows.append(cells)
            commands += note_commands
    if totals:
        commands += _total_commands(len(rows))
        rows.extend(totals)
    return grid_table(rows, [w * mm for w in WIDTHS_MM], header_rows=1, font_size=6.5,
                      extra_styles=[*MAIN_STYLE, *commands])


def dues_ledger_tables(data: Any) -> tuple[list[list[str]], list[tuple], list[str]]:
    """(rows, span/style commands, long notes) of the whole main table in one piece."""
    blocks, notes = _member_blocks(data)
    rows: list[list[str]] = [list(HEADER)]
    commands: list[tuple] = []
    for lines, row, _ in blocks:
        commands += _block_commands(len(rows), row)
        rows.extend(lines)
    commands += _total_commands(len(rows))
    rows.extend(_total_rows(data))
    return rows, commands, notes


def main_tables(data: Any, first_page_space: float, page_space: float,
                amendments: Amendments | None = None) -> tuple[list[Any], list[str]]:
    """The main table cut into page-sized tables, each with its header, joined by page breaks.

    reportlab re-measures a spanned table on every split (quadratic in its rows: 13 s for 200
    members as one table); tables that each fill one page are laid out in linear time."""
    blocks, notes = _member_blocks(data, amendments)
    width = sum(WIDTHS_MM) * mm
    header_h = _main_table([], None).wrap(width, 10_000)[1]
    totals = _total_rows(data)
    totals_h = _main_table([], totals).wrap(width, 10_000)[1] - header_h
    # cells are single-line strings, so blocks differ in height only if a cell holds a line break
    shapes: dict[int, float] = {}
    heights = []
    for block in blocks:
        if block[2]:  # an amended member's block carries a note row: measure it on its own
            heights.append(_main_table([block], None).wrap(width, 10_000)[1] - header_h)
            continue
        lines = max((str(cell).count("\n") for row in block[0] for cell in row), default=0)
        if lines not in shapes:
            shapes[lines] = _main_table([block], None).wrap(width, 10_000)[1] - header_h
        heights.append(shapes[lines])
    flowables: list[Any] = []
    chunk: list[Block] = []
    space = first_page_space - header_h
    for block, height in zip(blocks, heights):
        if chunk and height > space:
            flowables += [_main_table(chunk, None), PageBreak()]
            chunk, space = [], page_space - header_h
        chunk.append(block)
        space -= height
    if chunk and totals_h > space:
        flowables += [_main_table(chunk, None), PageBreak()]
        chunk = []
    flowables.append(_main_table(chunk, totals))
    return flowables, notes


def _remittance_rows(data: Any) -> list[list[str]]:
    rows = [["序号", "上缴日期", "所属期间", "上缴金额", "其中大额党费", "收据编号", "接收单位", "备注"]]
    for number, r in enumerate(data.remittances, start=1):
        rows.append([str(number), r.remitted_on.isoformat(), r.period_label, yuan(r.amount), yuan(r.large),
                     r.receipt_number, r.recipient or "", r.note or ""])
    if not data.remittances:
        rows.append(["", "本年度无上缴记录", "", "", "", "", "", ""])
    rows.append(["合计", "", "", yuan(sum((r.amount for r in data.remittances), ZERO)),
                 yuan(sum((r.large for r in data.remittances), ZERO)), "", "", ""])
    return rows


def _summary_rows(data: Any) -> list[list[str]]:
    fig, bal = data.figures, data.balance
    return [
        ["全年应缴", "全年实缴", "欠缴", "自愿多交", "大额党费", "全年收缴（按缴纳日期）", "全年上缴", f"截至{data.year}-12-31支部留存"],
        [yuan(fig.due), yuan(fig.paid), yuan(fig.arrears), yuan(fig.voluntary), yuan(fig.large), yuan(fig.collected),
         yuan(fig.remitted), yuan(bal.balance)],
    ]


def _collection_rows(data: Any) -> list[list[str]]:
    by_month = data.figures.collected_by_month
    return [["月份", *[f"{m}月" for m in range(1, 13)], "合计"],
            ["收缴", *[yuan(by_month.get(m, ZERO)) for m in range(1, 13)], yuan(data.figures.collected)]]


def render_dues_ledger(data: Any, out: Path, *, footer_note: str = "", amendments: Amendments | None = None) -> Path:
    """The annual dues ledger: A4 landscape, header on every page, totals, 上缴, signatures, rules.
    `amendments` (("member", str(member_id)) -> 更正 lines) print beneath each member's block."""
    info = PageInfo(title=f"{data.year}年度党费收缴台账", branch_name=data.branch_name, printed_on=data.printed_on,
                    landscape=True, footer_note=footer_note, subject="党费收缴台账", keywords=("党费", str(data.year)))
    return build_pdf(out, info, ledger_story(data, amendments))


def ledger_story(data: Any, amendments: Amendments | None = None) -> list[Any]:
    """The ledger's flowables (also what the benchmark hands to plain reportlab)."""
    st = styles()
    title = f"{data.year}年度党费收缴台账"
    heading = [
        para(f"{data.branch_name}　{title}", st["title"]),
        para(f"党支部名称：{data.branch_name}　　年度：{data.year}年　　金额单位：元　　"
             f"党员 {len(data.rows)} 名（应缴 {data.figures.members_due} 名，欠缴 {data.figures.members_in_arrears} 名）",
             st["subtitle"]),
    ]
    width = sum(WIDTHS_MM) * mm
    frame = landscape(A4)[1] - TOP_MARGIN - BOTTOM_MARGIN - 12 - 2  # the frame's padding, and a little slack
    used = sum(p.wrap(width, frame)[1] + p.getSpaceBefore() + p.getSpaceAfter() for p in heading)
    tables, notes = main_tables(data, frame - used, frame, amendments)
    story: list[Any] = [*heading, *tables]
    if notes:
        story += [Spacer(1, 2 * mm), *[para(n, st["small"]) for n in notes]]
    story += [para("按月收缴情况（按缴纳日期，含自愿多交和大额党费）", st["heading"]),
              grid_table(_collection_rows(data), [20 * mm] + [18 * mm] * 12 + [25 * mm], font_size=7.5,
                         extra_styles=[("ALIGN", (1, 1), (-1, -1), "RIGHT")])]
    story += [para("上缴情况", st["heading"]),
              grid_table(_remittance_rows(data), [w * mm for w in (12, 25, 40, 28, 28, 35, 60, 39)], font_size=8,
                         extra_styles=[("ALIGN", (3, 1), (4, -1), "RIGHT")])]
    story += [para("全年汇总", st["heading"]),
              grid_table(_summary_rows(data), [w * mm for w in (30, 30, 30, 30, 30, 40, 30, 47)], font_size=8,
                         extra_styles=[("ALIGN", (0, 1), (-1, -1), "RIGHT")])]
    s = data.settings
    story += [KeepTogether([
        Spacer(1, 8 * mm),
        para("填报人：____________　　　　审核人：____________　　　　日期：______年____月____日", st["body"]),
        Spacer(1, 5 * mm),
        para(data.rules, st["small"]),
        para(f"本台账所用设置：舍入方式 {s.rounding_label}；农民党员每月定额 {yuan(s.farmer_amount)}元；"
             f"补交、预交一般不超过 {s.limit_months} 个月。各月“实缴”为缴入该月的党费（不含自愿多交、大额党费）；"
             "“—”为该月不在本支部或党费已在原支部交纳。", st["small"]),
    ])]
    return story


# -- receipt ---------------------------------------------------------------------------------------
def _receipt_table(payment: Any, branch_name: str, copy: str) -> Table:
    st = styles()
    months = months_text(m.month for m in payment.months) or "（无，自愿交纳）"
    rows = [
        [para(f"党费收据（{copy}）", st["heading"]), "", para(f"No. {payment.receipt_number}", st["body"]), ""],
        ["交款党员", payment.member_name, "缴纳日期", payment.paid_on.isoformat()],
        ["所属月份", months, "缴纳方式", payment.method],
        ["金额（小写）", f"￥{yuan(payment.amount)}", "金额（大写）", f"人民币{rmb_upper(payment.amount)}"],
        ["其中：月党费", yuan(payment.regular), "自愿多交", yuan(payment.voluntary)],
        ["大额党费", yuan(payment.large), "收缴人", payment.collector],
        ["说明", para(payment.explanation or payment.note or "", st["cell"]), "", ""],
        ["收款单位", branch_name, "", "（盖章）"],
    ]
    widths = [28 * mm, 62 * mm, 28 * mm, 62 * mm]
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("GRID", (0, 1), (-1, -1), 0.6, colors.black),
        ("SPAN", (0, 0), (1, 0)), ("SPAN", (2, 0), (3, 0)), ("SPAN", (1, 6), (3, 6)), ("SPAN", (1, 7), (2, 7)),
        ("ALIGN", (2, 0), (3, 0), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 1), (0, -1), colors.HexColor("#F2F2F2")),
        ("BACKGROUND", (2, 1), (2, 5), colors.HexColor("#F2F2F2")),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def render_receipt(payment: Any, branch_name: str, printed_on: dt.date, out: Path) -> Path:
    """Two copies on one A4 page: 存根 (kept by the branch) and 收据 (for the member)."""
    st = styles()
    info = PageInfo(title=f"党费收据 {payment.receipt_number}", branch_name=branch_name, printed_on=printed_on,
                    subject="党费收据", keywords=("党费", "收据", payment.receipt_number))
    story: list[Any] = [
        _receipt_table(payment, branch_name, "第一联 存根"),
        Spacer(1, 12 * mm),
        para("- - - - - - - - - - - - - - - - - - - 沿此线剪开 - - - - - - - - - - - - - - - - - - -", st["subtitle"]),
        Spacer(1, 12 * mm),
        _receipt_table(payment, branch_name, "第二联 交党员"),
        Spacer(1, 6 * mm),
        para(f"缴纳方式仅作记录（{'、'.join(PAYMENT_METHODS)}）。党支部不得代党员交纳党费，也不得从党员工资中扣缴。", st["small"]),
    ]
    return build_pdf(out, info, story)


# -- xlsx ------------------------------------------------------------------------------------------
def write_dues_xlsx(data: Any, out: Path) -> Path:
    """The ledger as a workbook: one sheet, months as 4 columns each (应缴/实缴/缴纳日期/收缴人)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "党费收缴台账"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    head_fill = PatternFill("solid", fgColor="EEEEEE")
    fixed = ["序号", "姓名", "人员类别", "年度核定基数", "执行比例", "月应缴"]
    tail = ["全年应缴", "全年实缴", "欠缴", "备注"]
    last_col = len(fixed) + 48 + len(tail)
    ws.cell(1, 1, f"{data.branch_name} {data.year}年度党费收缴台账").font = Font(size=14, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    ws.cell(2, 1, f"党支部名称：{data.branch_name}　年度：{data.year}　金额单位：元　打印日期：{data.printed_on.isoformat()}")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)
    for col, label in enumerate(fixed, start=1):
        ws.cell(3, col, label)
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    for m in range(12):
        col = len(fixed) + 1 + m * 4
        ws.cell(3, col, f"{m + 1}月")
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 3)
        for k, item in enumerate(ITEMS):
            ws.cell(4, col + k, item)
    for k, label in enumerate(tail):
        col = len(fixed) + 49 + k
        ws.cell(3, col, label)
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    for r in (3, 4):
        for c in range(1, last_col + 1):
            cell = ws.cell(r, c)
            cell.alignment, cell.border, cell.fill = center, border, head_fill
    row_no = 5
    money_fmt = "0.00"
    for number, row in enumerate(data.rows, start=1):
        values: list[Any] = [number, row.name, row.category, row.base, row.rate_label, row.monthly]
        for c in row.cells:
            values += [c.due if c.due is not None else (c.text or "—"), c.paid if c.paid else None,
                       c.paid_on, c.collector]
        values += [row.year_due, row.year_paid, row.arrears, row.note]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row_no, col, value)
            cell.border = border
            if isinstance(value, Decimal):
                cell.number_format = money_fmt
            elif hasattr(value, "isoformat"):
                cell.number_format = "yyyy-mm-dd"
        row_no += 1
    fig = data.figures
    totals: list[Any] = ["合计", "", "", None, "", None]
    for m in range(12):
        totals += [sum((r.cells[m].due or ZERO for r in data.rows), ZERO),
                   sum((r.cells[m].paid for r in data.rows), ZERO), None, None]
    totals += [fig.due, fig.paid, fig.arrears, None]
    for col, value in enumerate(totals, start=1):
        cell = ws.cell(row_no, col, value)
        cell.border, cell.font = border, Font(bold=True)
        if isinstance(value, Decimal):
            cell.number_format = money_fmt
    row_no += 2
    ws.cell(row_no, 1, "上缴情况").font = Font(bold=True)
    row_no += 1
    for values in _remittance_rows(data):
        for col, value in enumerate(values, start=1):
            ws.cell(row_no, col, _as_number(value) if col in (4, 5) else value).border = border
        row_no += 1
    row_no += 1
    ws.cell(row_no, 1, "全年汇总").font = Font(bold=True)
    row_no += 1
    for r_index, values in enumerate(_summary_rows(data)):
        for col, value in enumerate(values, start=1):
            ws.cell(row_no, col, _as_number(value) if r_index else value).border = border
        row_no += 1
    row_no += 1
    ws.cell(row_no, 1, "填报人：　　　　　审核人：　　　　　日期：")
    row_no += 2
    ws.cell(row_no, 1, data.rules)
    ws.cell(row_no + 1, 1, f"舍入方式：{data.settings.rounding_label}；农民党员每月定额：{yuan(data.settings.farmer_amount)}元；"
                           f"补交、预交一般不超过{data.settings.limit_months}个月")
    for col, width in enumerate([5, 9, 9, 11, 8, 8], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    for col in range(len(fixed) + 1, len(fixed) + 49):
        ws.column_dimensions[get_column_letter(col)].width = 9
    ws.column_dimensions[get_column_letter(last_col)].width = 40
    ws.freeze_panes = "C5"
    return write_atomically(Path(out), wb.save, hint="文件正被 Excel 打开，或没有写入权限？")


def _as_number(value: str) -> Any:
    try:
        return Decimal(value)
    except Exception:  # noqa: BLE001 - labels stay text
        return value

