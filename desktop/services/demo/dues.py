"""Demo dues: the year's determinations (one mid-year change), monthly and quarterly payers, a few
members in arrears, one advance payment, voluntary extra and one 大额党费, quarterly remittances."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from desktop.domain.dues import Month, month_range

COLLECT_DAY = 12


def _base(rng: random.Random, category: str) -> Decimal:
    if category == "离退休":
        return Decimal(rng.choice((4200, 4800, 5000, 5600, 6300))) + Decimal(rng.randint(0, 99)) / 100
    return Decimal(rng.choice((2800, 3000, 3600, 4500, 5000, 6200, 7800, 9500, 10000, 12500, 16800)))


def populate(services, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(4)
    dues = services.dues
    year = today.year
    current = Month.of(today)
    members = [m for m in services.roster.list_members() if m.is_party_member and m.status == "正常"]
    if not members:
        return
    secretary = members[0].name
    collector = members[1].name if len(members) > 1 else secretary
    from desktop.services.dues import DuesSettings

    dues.save_settings(DuesSettings(rounding="half_up_fen", farmer_amount=Decimal("0.50"), limit_months=6,
                                    default_collector=collector, recipient="杭州市西湖区文新街道两新组织综合党委"))
    jan = dt.date(year, 1, 8)
    for member in members:
        start = max(jan, member.joined_on or jan)
        from_month = 1 if start.year < year or start == jan else start.month
        reason = "本年度入党，自支部大会接收为预备党员当月起交纳" if from_month > 1 else None
        dues.determine(member.id, year, category=member.category, base=_base(rng, member.category),
                       from_month=from_month, reason=reason, determined_by=secretary,
                       determined_on=max(jan, start) if max(jan, start) <= today else today)
    # a mid-year change: a promotion raises one member's base from July
    promoted = members[5]
    dues.determine(promoted.id, year, category=promoted.category, base=Decimal("11800"), from_month=7,
                   reason="7月起岗位调整，工资收入增加", determined_by=secretary, determined_on=dt.date(year, 7, 3))

    arrears = {members[7].id: Month(year, 6), members[13].id: Month(year, 8)}  # unpaid from these months on
    partial = members[19].id
    advance = members[10].id
    last_paid = current + -1
    planned = []  # recorded in date order, so receipt numbers follow the calendar as on paper
    for index, member in enumerate(members):
        months = [m for m in month_range(Month(year, 1), last_paid) if m < arrears.get(member.id, current + 1)]
        due = {d.month: d.remaining for d in dues.due_months(member.id, around=today)}
        months = [m for m in months if m in due]
        quarterly = index % 8 != 1  # most members pay quarterly; a few monthly
        groups = ([months[i:i + 3] for i in range(0, len(months), 3)] if quarterly else [[m] for m in months])
        for group in groups:
            if member.id == advance and group and group[-1] == last_paid:
                group = group + [last_paid + 1, last_paid + 2]  # pays ahead to the year's end
            paid_on = min(group[0].first_day.replace(day=COLLECT_DAY + index % 5), today)
            amount = sum((due[m] for m in group), Decimal("0"))
            if member.id == partial and Month(year, 9) in group:
                amount = (amount / 2).quantize(Decimal("0.01"))
            planned.append((paid_on, member.id, group, amount, rng.choice(("现金", "微信", "银行转账", "支付宝")),
                            collector if index else secretary, None))
    # voluntary extra, and a 大额党费 on 七一
    planned.append((dt.date(year, 7, 1), members[2].id, [], Decimal("200"), "微信", collector, "七一自愿多交"))
    planned.append((dt.date(year, 7, 1), members[0].id, [], Decimal("2000"), "银行转账", collector, "七一自愿交纳大额党费"))
    for paid_on, member_id, group, amount, method, who, note in sorted(planned, key=lambda p: (p[0], p[1])):
        dues.record_payment(member_id, paid_on=paid_on, months=group, amount=amount, method=method, collector=who,
                            note=note)
    by_month = dues.collection_by_month(year)
    for quarter, remitted_on in ((1, dt.date(year, 4, 10)), (2, dt.date(year, 7, 10)), (3, dt.date(year, 10, 14))):
        if remitted_on > today:
            break
        months = range(quarter * 3 - 2, quarter * 3 + 1)
        amount = sum((by_month[m] for m in months), Decimal("0"))
        large = Decimal("2000") if quarter == 3 else Decimal("0")
        dues.record_remittance(remitted_on=remitted_on, period_from=Month(year, quarter * 3 - 2),
                               period_to=Month(year, quarter * 3), amount=amount, large=large,
                               receipt_number=f"文新党费{year}{quarter:02d}")
