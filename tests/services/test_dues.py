"""DuesService: determination, payments, arrears, transfers, remittance, figures (read back)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from desktop.domain.dues import Month
from desktop.domain.errors import ValidationError
from desktop.domain.roster import MemberFields

Y = 2026


def add(services, name: str, joined: dt.date, *, stage: str = "正式党员", category: str = "在职") -> int:  # type: ignore[no-untyped-def]
    fields = MemberFields(name=name, joined_on=joined, stage=stage, category=category,
                          confirmed_on=None if stage == "预备党员" else joined + dt.timedelta(days=400))
    return services.roster.add_member(fields, effective_on=joined).id


def count(services, model) -> int:  # type: ignore[no-untyped-def]
    with services.ctx.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def branch(services):  # type: ignore[no-untyped-def]
    """Two full members determined for the year (45.00 and 150.00 a month)."""
    a = add(services, "王建国", dt.date(2010, 7, 1))
    b = add(services, "李晓红", dt.date(2015, 3, 1))
    services.dues.determine(a, Y, category="在职", base=D("4500"), determined_by="书记")
    services.dues.determine(b, Y, category="在职", base=D("10000"), determined_by="书记")
    return services, a, b


def months(first: str, last: str) -> list[Month]:
    from desktop.domain.dues import month_range

    return month_range(Month.parse(first), Month.parse(last))


def test_determination_stores_amount_rate_and_who(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, b = branch
    dets = services.dues.determinations(Y)
    by_member = {d.member_id: d for d in dets}
    assert by_member[a].amount == D("45.00") and by_member[a].rate_label == "1%"
    assert by_member[b].amount == D("150.00") and by_member[b].rate_label == "1.5%"
    assert by_member[a].determined_by == "书记" and by_member[a].determined_on == dt.date(2026, 11, 21)
    assert not by_member[a].is_change


def test_mid_year_change_needs_a_reason_and_is_flagged(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, _ = branch
    with pytest.raises(ValidationError, match="须说明原因"):
        services.dues.determine(a, Y, category="在职", base=D("5000.01"), from_month=7, determined_by="书记")
    change = services.dues.determine(a, Y, category="在职", base=D("5000.01"), from_month=7, reason="岗位调整",
                                     determined_by="书记")
    assert change.is_change and change.amount == D("75.00")
    row = next(r for r in services.dues.year_grid(Y) if r.member_id == a)
    assert [c.due for c in row.cells[5:7]] == [D("45.00"), D("75.00")]
    assert "7月起调整为75.00元" in row.note
    assert row.year_due == D("45") * 6 + D("75") * 6


def test_bad_determinations_refused_and_nothing_saved(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, _ = branch
    from desktop.storage.models.dues import DuesDeterminationRecord

    before = count(services, DuesDeterminationRecord)
    for kwargs, field in [({"category": "在职", "base": "-100"}, "base"), ({"category": "在职", "base": "三千"}, "base"),
                          ({"category": "农民", "fixed_amount": "1.50"}, "fixed_amount"),
                          ({"category": "生活困难", "fixed_amount": "0"}, "approval_ref")]:
        with pytest.raises(ValidationError) as info:
            services.dues.determine(a, Y + 1 - 1, from_month=3, reason="x", determined_by="书记", **kwargs)
        assert info.value.field == field
    assert count(services, DuesDeterminationRecord) == before


def test_farmer_amount_comes_from_the_setting(services) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    m = add(services, "赵老农", dt.date(2000, 1, 1), category="农民")
    services.dues.save_settings(replace(services.dues.settings(), farmer_amount=D("0.60")))
    det = services.dues.determine(m, Y, category="农民", determined_by="书记")
    assert det.amount == D("0.60") and det.rate is None
    with pytest.raises(ValidationError, match="0.20至1.00"):
        services.dues.save_settings(replace(services.dues.settings(), farmer_amount=D("1.20")))


def test_exact_payment_and_receipt_numbers(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, b = branch
    p1 = services.dues.record_payment(a, paid_on=dt.date(2026, 3, 5), months=months("2026-01", "2026-03"),
                                      amount="135", method="现金", collector="组织委员")
    p2 = services.dues.record_payment(b, paid_on=dt.date(2026, 3, 6), months=[Month(2026, 1)], amount=D("150"),
                                      method="微信", collector="组织委员")
    assert (p1.receipt_number, p2.receipt_number) == ("2026-0001", "2026-0002")
    assert p1.regular == D("135.00") and p1.voluntary == 0 and p1.explanation is None
    assert [m.applied for m in services.dues.get_payment(p1.id).months] == [D("45.00")] * 3
    row = next(r for r in services.dues.year_grid(Y) if r.member_id == a)
    assert [c.state for c in row.cells[:4]] == ["paid", "paid", "paid", "overdue"]
    assert row.cells[0].collector == "组织委员" and row.cells[0].paid_on == dt.date(2026, 3, 5)


def test_over_payment_is_voluntary_and_large_kept_apart(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, _ = branch
    p = services.dues.record_payment(a, paid_on=dt.date(2026, 1, 5), months=[Month(2026, 1)], amount="100",
                                     method="现金", collector="书记")
    assert (p.regular, p.voluntary, p.large) == (D("45.00"), D("55.00"), D("0.00"))
    assert "自愿多交55.00元" in p.explanation
    big = services.dues.record_payment(a, paid_on=dt.date(2026, 7, 1), months=[], amount="3000", method="银行转账",
                                       collector="书记")
    assert big.large == D("3000.00") and big.regular == 0
    fig = services.dues.year_figures(Y)
    assert (fig.voluntary, fig.large) == (D("55.00"), D("3000.00"))
    assert fig.collected == D("3100.00") and fig.collected_by_month[7] == D("3000.00")


def test_under_payment_leaves_arrears_and_a_partial_month(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, _ = branch
    p = services.dues.record_payment(a, paid_on=dt.date(2026, 2, 5), months=months("2026-01", "2026-02"),
                                     amount="60", method="现金", collector="书记")
    assert "2026-02尚欠30.00元" in p.explanation
    row = next(r for r in services.dues.year_grid(Y) if r.member_id == a)
    assert row.cells[1].state == "partial" and row.cells[1].paid == D("15.00")
    # the rest of February can be paid later; February is then fully paid
    services.dues.record_payment(a, paid_on=dt.date(2026, 3, 1), months=[Month(2026, 2)], amount="30", method="现金",
                                 collector="书记")
    row = next(r for r in services.dues.year_grid(Y) if r.member_id == a)
    assert row.cells[1].state == "paid" and row.paid_up_to == Month(2026, 2)


def test_bad_payments_refused_and_nothing_half_saved(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, _ = branch
    from desktop.storage.models.dues import DuesPaymentMonthRecord, DuesPaymentRecord

    services.dues.record_payment(a, paid_on=dt.date(2026, 1, 5), months=[Month(2026, 1)], amount="45", method="现金",
                                 collector="书记", receipt_number="A-001")
    before = (count(services, DuesPaymentRecord), count(services, DuesPaymentMonthRecord))
    cases = [
        (dict(paid_on=dt.date(2026, 11, 22), months=[Month(2026, 2)], amount="45"), "paid_on", "晚于今天"),
        (dict(paid_on=dt.date(2026, 2, 5), months=[Month(2026, 2)], amount="45", receipt_number="A-001"),
         "receipt_number", "已用于"),
        (dict(paid_on=dt.date(2026, 2, 5), months=[Month(2026, 1)], amount="45"), "months", "已缴清"),
        (dict(paid_on=dt.date(2026, 2, 5), months=[Month(2027, 3)], amount="45"), "months", "预交"),
        (dict(paid_on=dt.date(2026, 11, 5), months=months("2026-02", "2026-09"), amount="360"), "months", "补交8个月"),
        (dict(paid_on=dt.date(2026, 2, 5), months=[Month(2026, 2)], amount="-5"), "amount", "负数"),
        (dict(paid_on=dt.date(2026, 2, 5), months=[Month(2026, 2)], amount="abc"), "amount", "不是数字"),
    ]
    for kwargs, field, text in cases:
        with pytest.raises(ValidationError, match=text) as info:
            services.dues.record_payment(a, method="现金", collector="书记", **kwargs)
        assert info.value.field == field
    with pytest.raises(ValidationError, match="收缴人"):
        services.dues.record_payment(a, paid_on=dt.date(2026, 2, 5), months=[Month(2026, 2)], amount="45",
                                     method="现金", collector=" ")
    assert (count(services, DuesPaymentRecord), count(services, DuesPaymentMonthRecord)) == before
    # the same receipt number is fine in another year; over 6 months with a reason is accepted
    services.dues.record_payment(a, paid_on=dt.date(2026, 11, 5), months=months("2026-02", "2026-09"), amount="360",
                                 method="现金", collector="书记", override_reason="外派归来，一次补交")


def test_no_payment_for_months_outside_the_branch_or_not_determined(services) -> None:  # type: ignore[no-untyped-def]
    m = add(services, "孙预备", dt.date(2026, 6, 15), stage="预备党员")
    with pytest.raises(ValidationError, match="尚未核定"):
        services.dues.record_payment(m, paid_on=dt.date(2026, 7, 1), months=[Month(2026, 7)], amount="10",
                                     method="现金", collector="书记")
    services.dues.determine(m, Y, category="在职", base="3000", from_month=6, determined_by="书记")
    with pytest.raises(ValidationError, match="2026年05月不在本支部"):
        services.dues.record_payment(m, paid_on=dt.date(2026, 7, 1), months=[Month(2026, 5), Month(2026, 6)],
                                     amount="30", method="现金", collector="书记")
    row = next(r for r in services.dues.year_grid(Y) if r.member_id == m)
    assert [c.state for c in row.cells[:6]] == ["out"] * 5 + ["overdue"]  # due from the month of admission
    assert row.year_due == D("15.00") * 7


def test_transfer_out_stops_and_transfer_in_starts_dues(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, _ = branch
    services.dues.record_payment(a, paid_on=dt.date(2026, 4, 20), months=months("2026-01", "2026-04"), amount="180",
                                 method="现金", collector="书记")
    assert services.dues.paid_to_for_transfer(a) == "2026-04"
    services.roster.transfer_out(a, on=dt.date(2026, 4, 25), organization="某区某支部", letter_number="001",
                                 dues_paid_to=services.dues.paid_to_for_transfer(a))
    row = next(r for r in services.dues.year_grid(Y) if r.member_id == a)
    assert [c.state for c in row.cells[3:6]] == ["paid", "out", "out"]
    assert row.year_due == D("180.00") and row.arrears == 0
    newcomer = services.roster.transfer_in(
        MemberFields(name="周转入", joined_on=dt.date(2012, 1, 1), confirmed_on=dt.date(2013, 1, 1)),
        on=dt.date(2026, 5, 10), organization="外区支部", letter_number="X9", dues_paid_to="2026-06").id
    services.dues.determine(newcomer, Y, category="在职", base="3000", from_month=5, determined_by="书记")
    row = next(r for r in services.dues.year_grid(Y) if r.member_id == newcomer)
    assert [c.state for c in row.cells[3:7]] == ["out", "out", "out", "overdue"]  # paid elsewhere to June
    with pytest.raises(ValidationError, match="已交至2026年06月"):
        services.dues.record_payment(newcomer, paid_on=dt.date(2026, 7, 1), months=[Month(2026, 6)], amount="15",
                                     method="现金", collector="书记")


def test_home_items_at_three_and_five_unpaid_months(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, b = branch
    services.dues.record_payment(a, paid_on=dt.date(2026, 7, 1), months=months("2026-01", "2026-07"), amount="315",
                                 method="现金", collector="书记", override_reason="补交")  # Aug–Oct unpaid: 3
    services.dues.record_payment(b, paid_on=dt.date(2026, 5, 1), months=months("2026-01", "2026-05"), amount="750",
                                 method="现金", collector="书记")  # Jun–Oct unpaid: 5
    items = [i for i in services.dues.home_items() if i.area == "dues"]
    by_level = {i.level: i.text for i in items}
    assert "王建国已连续3个月" in by_level["warning"]
    assert "李晓红已连续5个月" in by_level["danger"] and "自行脱党" in by_level["danger"]
    standing = {s.member_id: s for s in services.dues.standings()}
    assert standing[a].paid_up_to == Month(2026, 7) and standing[a].arrears == D("135.00")
    assert standing[b].consecutive_unpaid == 5


def test_advance_payment_shows_as_advance(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, _ = branch
    services.dues.record_payment(a, paid_on=dt.date(2026, 11, 1), months=months("2026-01", "2026-12"), amount="540",
                                 method="现金", collector="书记", override_reason="年初未在岗，一次缴清")
    s = next(s for s in services.dues.standings() if s.member_id == a)
    assert s.advance == D("45.00") and s.paid_up_to == Month(2026, 12)
    row = next(r for r in services.dues.year_grid(Y) if r.member_id == a)
    assert row.cells[11].state == "advance"


def test_remittance_and_balance(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, _ = branch
    services.dues.record_payment(a, paid_on=dt.date(2026, 3, 1), months=months("2026-01", "2026-03"), amount="135",
                                 method="现金", collector="书记")
    r = services.dues.record_remittance(remitted_on=dt.date(2026, 4, 10), period_from=Month(2026, 1),
                                        period_to=Month(2026, 3), amount="100", receipt_number="SJ-1")
    assert r.period_label == "2026-01至2026-03"
    bal = services.dues.balance()
    assert (bal.collected, bal.remitted, bal.balance) == (D("135.00"), D("100.00"), D("35.00"))
    with pytest.raises(ValidationError, match="已登记过"):
        services.dues.record_remittance(remitted_on=dt.date(2026, 4, 11), period_from=Month(2026, 1),
                                        period_to=Month(2026, 3), amount="10", receipt_number="SJ-1")
    with pytest.raises(ValidationError, match="早于开始月份"):
        services.dues.record_remittance(remitted_on=dt.date(2026, 4, 11), period_from=Month(2026, 3),
                                        period_to=Month(2026, 1), amount="10", receipt_number="SJ-2")
    assert services.dues.year_figures(Y).remitted == D("100.00")


def test_delete_payment_reopens_its_months(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, _ = branch
    p = services.dues.record_payment(a, paid_on=dt.date(2026, 1, 5), months=[Month(2026, 1)], amount="45",
                                     method="现金", collector="书记")
    services.dues.delete_payment(p.id, amendment_reason="录入错误")
    row = next(r for r in services.dues.year_grid(Y) if r.member_id == a)
    assert row.cells[0].state == "overdue"


def test_demo_figures_agree_with_payments(demo_copy) -> None:  # type: ignore[no-untyped-def]
    dues = demo_copy.dues
    fig = dues.year_figures(Y)
    payments = [p for p in dues.payments(Y) if p.paid_on.year == Y]
    assert fig.collected == sum((p.amount for p in payments), D(0))
    assert sum(dues.collection_by_month(Y).values()) == fig.collected
    assert fig.paid == sum((r.year_paid for r in dues.year_grid(Y)), D(0))
    assert fig.due > fig.paid > 0 and fig.arrears > 0 and fig.large >= D("1000") and fig.remitted > 0
    levels = {i.level for i in dues.home_items()}
    assert {"danger", "warning"} <= levels  # the demo has members 5 and 3 months behind
    assert any(s.advance > 0 for s in dues.standings())


def test_ledger_records_name_every_row_shown(demo_copy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rendered = demo_copy.dues.render_ledger(Y, tmp_path / "dues.pdf", footer_note="审计链 abc")
    tables = {t for t, _ in rendered.records}
    assert tables == {"dues_determination", "dues_payment", "dues_payment_month", "dues_remittance"}
    payment_ids = {i for t, i in rendered.records if t == "dues_payment"}
    assert payment_ids == {p.id for p in demo_copy.dues.payments(Y)}
    assert rendered.kind == "dues" and rendered.year == Y and rendered.path.exists()


def test_rows_of_a_signed_ledger_change_only_with_an_amendment(demo_copy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desktop.domain.errors import RecordLockedError

    rendered = demo_copy.dues.render_ledger(Y, tmp_path / "dues.pdf")
    demo_copy.ledgers.record_output("dues", rendered.title, rendered.path, records=rendered.records, year=Y)
    payment = demo_copy.dues.payments(Y)[0]
    with pytest.raises(RecordLockedError):
        demo_copy.dues.delete_payment(payment.id)
    assert demo_copy.dues.get_payment(payment.id).amount == payment.amount  # untouched
    det = next(d for d in demo_copy.dues.determinations(Y) if d.member_id == payment.member_id)
    with pytest.raises(RecordLockedError):
        demo_copy.dues.determine(det.member_id, Y, category=det.category, base=D("9999"), from_month=det.from_month,
                                 reason="x", determined_by="书记")
    demo_copy.dues.delete_payment(payment.id, amendment_reason="重复录入")
    assert all(p.id != payment.id for p in demo_copy.dues.payments(Y))
    assert demo_copy.ledgers.amendments_for("dues_payment", payment.id)


def test_base_rising_after_an_advance_leaves_the_difference_due(branch) -> None:  # type: ignore[no-untyped-def]
    services, a, _ = branch
    services.dues.record_payment(a, paid_on=dt.date(2026, 11, 1), months=months("2026-11", "2026-12"), amount="90",
                                 method="现金", collector="书记")
    services.dues.determine(a, Y, category="在职", base=D("5000.01"), from_month=12, reason="涨薪",
                            determined_by="书记")
    row = next(r for r in services.dues.year_grid(Y) if r.member_id == a)
    assert row.cells[11].state == "partial" and row.cells[11].due - row.cells[11].paid == D("30.00")
    assert [d.remaining for d in services.dues.due_months(a) if d.month == Month(2026, 12)] == [D("30.00")]


def test_carry_forward_recomputes_last_years_bases(services) -> None:  # type: ignore[no-untyped-def]
    a = add(services, "王建国", dt.date(2010, 7, 1))
    b = add(services, "李晓红", dt.date(2015, 3, 1))
    services.dues.determine(a, Y - 1, category="在职", base=D("4500"), determined_by="书记",
                            determined_on=dt.date(2025, 1, 5))
    # no 2026 determination yet: 2026 months are due provisionally at last year's amount
    row = next(r for r in services.dues.year_grid(Y) if r.member_id == a)
    assert row.cells[0].due == D("45.00") and row.cells[0].provisional and "暂按上年" in row.note
    assert any("1名党员尚未核定" in i.text or "2名党员尚未核定" in i.text for i in services.dues.home_items())
    assert services.dues.carry_forward(Y, determined_by="书记") == 1
    det = next(d for d in services.dues.determinations(Y) if d.member_id == a)
    assert (det.base, det.amount, det.from_month) == (D("4500.00"), D("45.00"), 1)
    assert services.dues.carry_forward(Y, determined_by="书记") == 0  # never twice
    assert not [d for d in services.dues.determinations(Y) if d.member_id == b]
