"""AnnualReportService: figures equal direct counts over the records; drafts, lists, evaluation."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.domain.annual import ItemFields, figure_link
from desktop.domain.errors import LedgerError, ValidationError
from desktop.domain.roster import MemberFields

D = dt.date
YEAR = 2025


def _member(name: str, joined: dt.date | None, stage: str = "正式党员", applied: dt.date | None = None,
            confirmed: dt.date | None = None) -> MemberFields:
    return MemberFields(name=name, sex="男", joined_on=joined, stage=stage, applied_on=applied, confirmed_on=confirmed)


def build_year(services) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A branch whose 2025 has every edge: transfers mid-year, a lapse, admissions, applicants."""
    roster = services.roster
    ids = {}
    for i in range(8):
        m = roster.add_member(_member(f"老党员{i:02d}", D(2010 + i, 5, 1), confirmed=D(2011 + i, 5, 1)),
                              effective_on=D(2019, 1, 1))
        ids[f"old{i}"] = m.id
    # transfer out mid-year (counted at the start, not at the end)
    roster.transfer_out(ids["old0"], on=D(YEAR, 6, 15), organization="兄弟公司党支部", letter_number="2025-01",
                        dues_paid_to="2025-06")
    # transfer in mid-year, joined years ago elsewhere
    moved = roster.transfer_in(_member("转入党员", D(2015, 7, 1), confirmed=D(2016, 7, 1)), on=D(YEAR, 8, 20),
                               organization="上级机关党支部", letter_number="2025-07", dues_paid_to="2025-07")
    ids["moved_in"] = moved.id
    # 停止党籍 in the year
    old1 = roster.get_member(ids["old1"])
    roster.update_member(ids["old1"], replace(old1.to_fields(), status="停止党籍", is_lost_contact=True,
                                              lost_contact_since=D(2024, 8, 1)), effective_on=D(YEAR, 3, 1))
    # admitted as probationary in the year (from 发展对象)
    candidate = roster.add_member(_member("发展对象甲", None, stage="发展对象", applied=D(2022, 3, 1)),
                                  effective_on=D(2023, 3, 1))
    roster.update_member(candidate.id, replace(candidate.to_fields(), stage="预备党员", joined_on=D(YEAR, 9, 10)),
                         effective_on=D(YEAR, 9, 10))
    ids["admitted"] = candidate.id
    # applicants: one this year, one the year before; an activist
    roster.add_member(_member("申请人乙", None, stage="入党申请人", applied=D(YEAR, 4, 2)), effective_on=D(YEAR, 4, 2))
    roster.add_member(_member("申请人丙", None, stage="入党申请人", applied=D(2024, 4, 2)), effective_on=D(2024, 4, 2))
    roster.add_member(_member("积极分子丁", None, stage="入党积极分子", applied=D(2023, 1, 5)), effective_on=D(2023, 6, 1))
    # confirmed in the year
    prob = roster.add_member(_member("预备党员戊", D(2024, 5, 20), stage="预备党员"), effective_on=D(2024, 5, 20))
    roster.update_member(prob.id, replace(prob.to_fields(), stage="正式党员", confirmed_on=D(YEAR, 5, 20)),
                         effective_on=D(YEAR, 5, 20))
    return ids


def _direct_counts(db: Path, year: int) -> dict[str, int]:
    """Counted straight from the tables with SQL and a plain loop, not through the service."""
    start, end = f"{year}-01-01", f"{year}-12-31"
    before = f"{year - 1}-12-31"
    conn = sqlite3.connect(db)
    try:
        def one(sql: str, *args: object) -> int:
            return conn.execute(sql, args).fetchone()[0]

        history: dict[int, list[tuple[str, str, str]]] = {}
        for member_id, attr, value, day in conn.execute(
                "SELECT member_id, attribute, value, effective_on FROM member_change ORDER BY effective_on, id"):
            history.setdefault(member_id, []).append((attr, value, day))

        def member_on(day: str) -> int:
            count = 0
            for rows in history.values():
                stage = [v for a, v, d in rows if a == "stage" and d <= day]
                status = [v for a, v, d in rows if a == "status" and d <= day]
                if stage and stage[-1] in ("预备党员", "正式党员") and status and status[-1] == "正常":
                    count += 1
            return count

        moved_in = "SELECT member_id FROM transfer WHERE direction='转入' AND transfer_date BETWEEN ? AND ?"
        return {
            "roster.members_start": member_on(before),
            "roster.members_end": member_on(end),
            "roster.joined": one(f"SELECT count(*) FROM member WHERE joined_on BETWEEN ? AND ? AND id NOT IN ({moved_in})",
                                 start, end, start, end),
            "roster.confirmed": one("SELECT count(*) FROM member WHERE confirmed_on BETWEEN ? AND ?", start, end),
            "roster.transferred_in": one("SELECT count(*) FROM transfer WHERE direction='转入' AND transfer_date BETWEEN ? AND ?", start, end),
            "roster.transferred_out": one("SELECT count(*) FROM transfer WHERE direction='转出' AND transfer_date BETWEEN ? AND ?", start, end),
            "roster.lapsed": one("SELECT count(*) FROM member_change WHERE attribute='status' AND value='停止党籍' AND effective_on BETWEEN ? AND ?", start, end),
            "roster.applied": one(f"SELECT count(*) FROM member WHERE applied_on BETWEEN ? AND ? AND id NOT IN ({moved_in})",
                                  start, end, start, end),
        }
    finally:
        conn.close()


def test_each_roster_figure_equals_a_direct_count(services) -> None:  # type: ignore[no-untyped-def]
    build_year(services)
    figures = services.annual.figures(YEAR)
    direct = _direct_counts(services.ctx.folder.database, YEAR)
    assert {k: figures.get(k).value for k in direct} == direct
    # and the figures are what the story says
    assert direct["roster.members_start"] == 9 and direct["roster.members_end"] == 9  # 8 old + 戊; -2 +2
    assert figures.get("roster.pipeline.入党申请人").value == 2
    assert figures.get("roster.pipeline.入党积极分子").value == 1
    assert figures.period_end == D(YEAR, 12, 31)
    # each figure opens to its rows
    out = figures.get("roster.transferred_out")
    assert [r.cells[0] for r in out.rows] == ["老党员00"]
    assert out.rows[0].ref[0] == "transfer"


def test_figures_are_recomputed_after_a_correction(services) -> None:  # type: ignore[no-untyped-def]
    ids = build_year(services)
    before = services.annual.figures(YEAR).get("roster.lapsed").value
    member = services.roster.get_member(ids["old2"])
    services.roster.update_member(ids["old2"], replace(member.to_fields(), status="停止党籍", is_lost_contact=True,
                                                       lost_contact_since=D(2024, 9, 1)), effective_on=D(YEAR, 4, 1))
    assert services.annual.figures(YEAR).get("roster.lapsed").value == before + 1


def test_a_year_without_records_says_so(services) -> None:  # type: ignore[no-untyped-def]
    build_year(services)
    figures = services.annual.figures(2005)
    assert not figures.has_records
    assert all(f.value is None and f.display == "暂无数据" for f in figures.figures)
    with pytest.raises(LedgerError, match="2005年没有任何台账记录"):
        services.annual.render_ledger(2005, services.ctx.data_dir / "r.pdf")
    assert not (services.ctx.data_dir / "r.pdf").exists()
    with pytest.raises(ValidationError, match="尚未开始"):
        services.annual.figures(2027)


def test_draft_is_saved_in_one_action_and_read_back(services) -> None:  # type: ignore[no-untyped-def]
    annual = services.annual
    assert annual.report(2026).is_empty
    text = "现有党员" + figure_link("roster.members_end", "9名") + "。"
    saved = annual.save_draft(2026, {"duties": text, "plans": "下一步"})
    assert saved.saved_at is not None
    again = annual.report(2026)
    assert again.text("duties") == text and again.text("plans") == "下一步" and again.text("problems") == ""
    annual.save_draft(2026, {"problems": "问题"})
    assert annual.report(2026).text("duties") == text  # other sections unchanged
    with pytest.raises(ValidationError, match="未知的报告部分"):
        annual.save_draft(2026, {"duties": "x", "nonsense": "y"})
    assert annual.report(2026).text("duties") == text


def test_open_items_carry_into_next_year_once_and_open_the_list(services) -> None:  # type: ignore[no-untyped-def]
    annual = services.annual
    open_item = annual.add_item(2025, ItemFields("学习教育不够深入", D(2025, 12, 25), responsible="书记",
                                                 measure="制定学习计划", deadline=D(2026, 6, 30)))
    annual.add_item(2025, ItemFields("台账不规范", D(2025, 12, 25), status="已完成", completed_on=D(2025, 12, 30)))
    annual.add_item(2026, ItemFields("本年新问题", D(2026, 10, 1), deadline=D(2026, 12, 31)))
    assert [i.fields.problem for i in annual.pending_carry_over(2026)] == ["学习教育不够深入"]
    carried = annual.carry_over(2026)
    assert [(c.fields.problem, c.carried_from_id, c.carried_from_year) for c in carried] == [
        ("学习教育不够深入", open_item.id, 2025)]
    items = annual.list_items(2026)
    assert [i.fields.problem for i in items] == ["学习教育不够深入", "本年新问题"]
    assert items[0].overdue  # deadline 2026-06-30 passed, still open
    assert annual.carry_over(2026) == [] and annual.pending_carry_over(2026) == []
    with pytest.raises(ValidationError, match="已转入下一年度"):
        annual.delete_item(open_item.id)


def test_deadline_before_the_problem_is_refused_and_nothing_saved(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="早于问题提出日期") as info:
        services.annual.add_item(2026, ItemFields("问题", D(2026, 5, 1), deadline=D(2026, 4, 30)))
    assert info.value.field == "deadline"
    assert services.annual.list_items(2026) == []


def test_evidence_is_stored_by_content(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scan = tmp_path / "整改佐证.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"evidence" * 20)
    item = services.annual.add_item(2026, ItemFields("问题", D(2026, 5, 1)), evidence=scan)
    stored = services.annual.evidence_path(item)
    assert item.evidence_name == "整改佐证.png"
    assert stored is not None and stored.read_bytes() == scan.read_bytes()
    assert item.evidence_sha256 in stored.name and stored.is_relative_to(services.ctx.data_dir / "attachments")
    bad = tmp_path / "notes.txt"
    bad.write_text("plain text")
    with pytest.raises(ValidationError):
        services.annual.update_item(item.id, item.fields, evidence=bad)
    assert services.annual.get_item(item.id).evidence_name == "整改佐证.png"


def test_tally_exceeding_the_members_who_could_vote_is_refused(services) -> None:  # type: ignore[no-untyped-def]
    build_year(services)
    annual = services.annual
    assert annual.eligible_voters(YEAR, D(YEAR, 12, 20)) == 9
    with pytest.raises(ValidationError, match="超过应参加测评的9人"):
        annual.save_evaluation(YEAR, counts=[8, 2, 0, 0], participants=10, held_on=D(YEAR, 12, 20))
    with pytest.raises(ValidationError, match="合计10票"):
        annual.save_evaluation(YEAR, counts=[8, 2, 0, 0], participants=9, held_on=D(YEAR, 12, 20))
    assert annual.evaluation(YEAR) is None
    saved = annual.save_evaluation(YEAR, counts=[6, 2, 1, 0], participants=9, held_on=D(YEAR, 12, 20),
                                   upper_grade="好", upper_comments="基础工作扎实")
    assert [(l.grade, l.count, str(l.percent)) for l in saved.lines] == [
        ("好", 6, "66.7"), ("较好", 2, "22.2"), ("一般", 1, "11.1"), ("差", 0, "0.0")]
    assert annual.evaluation(YEAR).upper_comments == "基础工作扎实"


def test_rating_scale_setting_changes_the_grades(services) -> None:  # type: ignore[no-untyped-def]
    build_year(services)
    annual = services.annual
    assert annual.rating_scale() == "好/较好/一般/差"
    annual.set_rating_scale("优秀/称职/基本称职/不称职")
    assert services.branch.setting("annual.rating_scale", "") == "优秀/称职/基本称职/不称职"
    saved = annual.save_evaluation(YEAR, counts=[5, 3, 0, 0], participants=8, held_on=D(YEAR, 12, 20), upper_grade="优秀")
    assert [l.grade for l in saved.lines] == ["优秀", "称职", "基本称职", "不称职"]
    with pytest.raises(ValidationError, match="上级评定等次"):
        annual.save_evaluation(YEAR, counts=[5, 3, 0, 0], participants=8, held_on=D(YEAR, 12, 20), upper_grade="好")
    with pytest.raises(ValidationError):
        annual.set_rating_scale("甲乙丙丁")


def test_member_grades_only_for_members_of_that_year(services) -> None:  # type: ignore[no-untyped-def]
    ids = build_year(services)
    annual = services.annual
    gradable = dict(annual.gradable_members(YEAR))
    assert ids["old0"] in gradable  # transferred out mid-year: was a member in the year
    assert ids["moved_in"] in gradable
    grade = annual.set_member_grade(YEAR, ids["old3"], "优秀", note="带头作用突出")
    assert (grade.member_name, grade.grade) == ("老党员03", "优秀")
    annual.set_member_grade(YEAR, ids["old3"], "合格")
    assert [(g.member_id, g.grade) for g in annual.member_grades(YEAR)] == [(ids["old3"], "合格")]
    with pytest.raises(ValidationError, match="评议等次应为"):
        annual.set_member_grade(YEAR, ids["old4"], "良好")
    applicant = next(m for m in services.roster.list_members() if m.stage == "入党申请人")
    with pytest.raises(ValidationError, match="不是本支部党员"):
        annual.set_member_grade(YEAR, applicant.id, "合格")


def test_meeting_figures_equal_direct_counts_including_late_entries(demo_copy) -> None:  # type: ignore[no-untyped-def]
    figures = demo_copy.annual.figures(2026)
    assert "组织生活" not in figures.missing_sources
    conn = sqlite3.connect(demo_copy.ctx.folder.database)
    try:
        def one(sql: str) -> int:
            return conn.execute(sql + " AND held_on BETWEEN '2026-01-01' AND '2026-12-31'").fetchone()[0]

        held = one("SELECT count(*) FROM meeting WHERE status='held'")
        late = one("SELECT count(*) FROM meeting WHERE status='held' AND late_entry=1")
        theme = one("SELECT count(*) FROM meeting WHERE status='held' AND kinds LIKE '%主题党日%'")
        committee = one("SELECT count(*) FROM meeting WHERE status='held' AND kinds LIKE '%支部委员会%'")
        present, expected = conn.execute(
            "SELECT sum(a.status IN ('出席','迟到')), count(*) FROM meeting_attendance a JOIN meeting m ON m.id=a.meeting_id "
            "WHERE m.status='held' AND m.held_on BETWEEN '2026-01-01' AND '2026-12-31'").fetchone()
    finally:
        conn.close()
    assert late >= 1  # the demo has a meeting entered late (补记)
    assert figures.get("meetings.held").value == held
    assert figures.get("meetings.late").value == late
    assert len(figures.get("meetings.late").rows) == late
    assert figures.get("meetings.theme_days").value == theme
    assert figures.get("meetings.type.支部委员会").value == committee
    from decimal import ROUND_HALF_UP, Decimal

    rate = (Decimal(present) * 100 / Decimal(expected)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert abs(figures.get("meetings.attendance_avg").value - rate) <= Decimal("0.1")
    assert set(figures.attendance_by_month) <= set(range(1, 13)) and figures.attendance_by_month


def test_a_payment_covering_two_years_counts_by_month_and_by_date(services) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from desktop.domain.dues import Month

    ids = build_year(services)
    dues = services.dues
    member = ids["old3"]
    for year in (2025, 2026):
        dues.determine(member, year, category="在职", base=Decimal("6000"), determined_by="组织委员",
                       determined_on=D(year, 1, 2))
    payment = dues.record_payment(member, paid_on=D(2026, 1, 8), months=[Month(2025, 12), Month(2026, 1)],
                                  amount=Decimal("180.00"), method="现金", collector="组织委员")
    conn = sqlite3.connect(services.ctx.folder.database)
    try:
        def money(sql: str) -> Decimal:
            return (Decimal(conn.execute(sql).fetchone()[0] or 0) / 100).quantize(Decimal("0.01"))

        applied_2025 = money(f"SELECT sum(applied) FROM dues_payment_month WHERE month_index BETWEEN {2025 * 12} AND {2025 * 12 + 11}")
        applied_2026 = money(f"SELECT sum(applied) FROM dues_payment_month WHERE month_index BETWEEN {2026 * 12} AND {2026 * 12 + 11}")
        received_2026 = money("SELECT sum(amount) FROM dues_payment WHERE paid_on BETWEEN '2026-01-01' AND '2026-12-31'")
    finally:
        conn.close()
    assert applied_2025 == Decimal("90.00") and applied_2026 == Decimal("90.00")
    last, this = services.annual.figures(2025), services.annual.figures(2026)
    assert last.get("dues.paid").value == applied_2025  # Dec 2025 counts in 2025's dues ...
    assert this.get("dues.paid").value == applied_2026
    assert last.get("dues.collected").value == Decimal("0.00")  # ... the money arrived in 2026
    assert this.get("dues.collected").value == received_2026 == payment.amount
    assert this.collection_by_month[1] == Decimal("180.00")
    assert [r.ref for r in this.get("dues.collected").rows] == [("dues_payment", payment.id)]


def test_member_grade_names_the_meeting_it_came_from(services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.services import annual_report

    ids = build_year(services)
    monkeypatch.setattr(annual_report, "life_meetings",
                        lambda service, year: [(7, "2025-12-20 组织生活会（2025-031）年度组织生活会")])
    annual = services.annual
    assert [(m.id, m.label) for m in annual.life_meetings(YEAR)] == [(7, "2025-12-20 组织生活会（2025-031）年度组织生活会")]
    grade = annual.set_member_grade(YEAR, ids["old5"], "合格", meeting_id=7)
    assert (grade.meeting_id, grade.source) == (7, "2025-12-20 组织生活会（2025-031）年度组织生活会")
    assert annual.member_grades(YEAR)[0].source == grade.source
    with pytest.raises(ValidationError, match="找不到2025年编号为8的组织生活会"):
        annual.set_member_grade(YEAR, ids["old6"], "合格", meeting_id=8)
    assert len(annual.member_grades(YEAR)) == 1


def test_figures_are_reused_until_any_record_changes(services) -> None:  # type: ignore[no-untyped-def]
    ids = build_year(services)
    annual = services.annual
    first = annual.figures(YEAR)
    assert annual.figures(YEAR) is first  # nothing changed: the same compilation
    assert annual.figures(YEAR, fresh=True) is not first
    services.roster.transfer_out(ids["old4"], on=D(YEAR, 10, 1), organization="兄弟支部", letter_number="x",
                                 dues_paid_to=None)
    again = annual.figures(YEAR)
    assert again is not first
    assert again.get("roster.transferred_out").value == first.get("roster.transferred_out").value + 1
    annual.save_draft(YEAR, {"duties": "x"})  # any write, even in another table, invalidates
    assert annual.figures(YEAR) is not again
