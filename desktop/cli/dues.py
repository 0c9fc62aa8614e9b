"""党费 commands: status, determine, pay, payments, remit, receipt, export.

`branch-ledger ledger dues --year Y --out F.pdf|F.xlsx` (cli/ledger.py) prints the same ledger as
`dues export`."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    dues = subparsers.add_parser("dues", help="党费：核定、缴纳、欠缴、上缴、收据、台账")
    sub = dues.add_subparsers(dest="dues_command", metavar="ACTION", required=True)

    status = sub.add_parser("status", help="本年度各党员的应缴、实缴、欠缴、交至月份")
    status.add_argument("--year", type=int, help="年度（默认今年）")
    status.add_argument("--arrears", action="store_true", help="只列出有欠缴的党员")
    status.set_defaults(handler=_status)

    determine = sub.add_parser("determine", help="年度核定一名党员的月应缴党费")
    determine.add_argument("member_id", type=int)
    determine.add_argument("--year", type=int, required=True)
    determine.add_argument("--category", required=True, help="人员类别，如 在职、离退休、农民、学生")
    determine.add_argument("--base", help="计算基数（元）")
    determine.add_argument("--fixed", help="每月定额（农民、生活困难）")
    determine.add_argument("--from-month", type=int, default=1, help="执行起始月（年中调整）")
    determine.add_argument("--reason", help="年中调整的原因")
    determine.add_argument("--approval", help="生活困难减免的批准情况")
    determine.add_argument("--by", required=True, help="核定人")
    determine.set_defaults(handler=_determine)

    pay = sub.add_parser("pay", help="登记一笔党费缴纳（自动编号收据）")
    pay.add_argument("member_id", type=int)
    pay.add_argument("--months", default="", help="所属月份，如 2026-01,2026-02（可留空：自愿交纳）")
    pay.add_argument("--amount", required=True)
    pay.add_argument("--method", default="现金", help="现金、银行转账、微信、支付宝")
    pay.add_argument("--collector", required=True, help="收缴人")
    pay.add_argument("--date", type=dt.date.fromisoformat, help="缴纳日期 YYYY-MM-DD（默认今天）")
    pay.add_argument("--receipt", help="收据编号（默认自动编号）")
    pay.add_argument("--override-reason", help="补交或预交超过规定月数的原因")
    pay.set_defaults(handler=_pay)

    payments = sub.add_parser("payments", help="列出缴纳记录")
    payments.add_argument("--year", type=int)
    payments.set_defaults(handler=_payments)

    remit = sub.add_parser("remit", help="登记党费上缴")
    remit.add_argument("--date", type=dt.date.fromisoformat, required=True)
    remit.add_argument("--period", required=True, help="所属期间，如 2026-01:2026-03")
    remit.add_argument("--amount", required=True)
    remit.add_argument("--large", default="0", help="其中大额党费")
    remit.add_argument("--receipt", required=True, help="上级党组织开具的收据编号")
    remit.set_defaults(handler=_remit)

    receipt = sub.add_parser("receipt", help="打印一笔缴纳的收据（PDF）")
    receipt.add_argument("payment_id", type=int)
    receipt.add_argument("--out", type=Path, required=True)
    receipt.set_defaults(handler=_receipt)

    export = sub.add_parser("export", help="党费收缴台账：.pdf 或 .xlsx")
    export.add_argument("--year", type=int)
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(handler=_export)


def _status(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services
    from desktop.domain.dues import yuan

    with open_services(args, read_only=None) as services:
        year = args.year or services.ctx.today().year
        rows = services.dues.year_grid(year)
        fig = services.dues.year_figures(year)
    print(f"{year}年  编号  姓名  月应缴  全年应缴  全年实缴  欠缴  交至  连续未缴")
    for r in rows:
        if args.arrears and not r.arrears:
            continue
        print(f"{r.member_id:>4}  {r.name}  {yuan(r.monthly) if r.monthly is not None else '未核定'}  {yuan(r.year_due)}  "
              f"{yuan(r.year_paid)}  {yuan(r.arrears)}  {r.paid_up_to or '—'}  {r.consecutive_unpaid}")
    print(f"合计：应缴 {yuan(fig.due)}，实缴 {yuan(fig.paid)}，欠缴 {yuan(fig.arrears)}，自愿多交 {yuan(fig.voluntary)}，"
          f"大额党费 {yuan(fig.large)}，上缴 {yuan(fig.remitted)}")
    return 0


def _determine(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    with open_services(args) as services:
        d = services.dues.determine(args.member_id, args.year, category=args.category, base=args.base,
                                    fixed_amount=args.fixed, from_month=args.from_month, reason=args.reason,
                                    approval_ref=args.approval, determined_by=args.by)
    print(f"已核定 {d.member_name} {d.year}年自{d.from_month}月起每月 {d.amount} 元（{d.rule}）")
    return 0


def _pay(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services
    from desktop.domain.dues import Month

    months = [Month.parse(m) for m in args.months.replace("，", ",").split(",") if m.strip()]
    with open_services(args) as services:
        p = services.dues.record_payment(args.member_id, paid_on=args.date or services.ctx.today(), months=months,
                                         amount=args.amount, method=args.method, collector=args.collector,
                                         receipt_number=args.receipt, override_reason=args.override_reason)
    print(f"已登记 {p.member_name} {p.amount} 元（{p.months_label}），收据编号 {p.receipt_number}（编号 {p.id}）")
    if p.explanation:
        print(p.explanation)
    return 0


def _payments(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    with open_services(args, read_only=None) as services:
        rows = services.dues.payments(args.year)
    for p in rows:
        print(f"{p.id:>5}  {p.receipt_number}  {p.paid_on}  {p.member_name}  {p.months_label}  {p.amount}  {p.method}  "
              f"{p.collector}  {p.explanation or ''}")
    return 0


def _remit(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services
    from desktop.domain.dues import Month
    from desktop.domain.errors import ValidationError

    parts = args.period.split(":")
    if len(parts) != 2:
        raise ValidationError("所属期间应写作 2026-01:2026-03")
    with open_services(args) as services:
        r = services.dues.record_remittance(remitted_on=args.date, period_from=Month.parse(parts[0]),
                                            period_to=Month.parse(parts[1]), amount=args.amount, large=args.large,
                                            receipt_number=args.receipt)
        balance = services.dues.balance()
    print(f"已登记上缴 {r.amount} 元（{r.period_label}，收据 {r.receipt_number}）。支部留存 {balance.balance} 元")
    return 0


def _receipt(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services

    with open_services(args, read_only=None) as services:
        rendered = services.dues.render_receipt(args.payment_id, args.out)
    print(f"已生成 {rendered.path}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from desktop.cli.common import open_services
    from desktop.domain.errors import ValidationError

    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ValidationError(f"输出文件应为 .pdf 或 .xlsx，而不是“{args.out.name}”")
    with open_services(args, read_only=None) as services:
        if suffix == ".xlsx":
            path = services.dues.export_xlsx(args.year, args.out)
        else:
            path = services.dues.render_ledger(args.year, args.out).path
    print(f"已生成 {path}")
    return 0
