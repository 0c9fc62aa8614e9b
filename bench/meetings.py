"""Meetings benchmarks, in one run:

- recording a meeting with 50 attendees through MeetingService.record_meeting (target ≤ 50 ms, median);
- the annual meetings ledger of a branch with 100 meetings, against raw reportlab building the
  same content (same flowables, plain SimpleDocTemplate, no page numbering pass, no glyph check,
  no database): target ≤ 1.2×.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 12, 31)
RECORD_TARGET_MS = 50.0
LEDGER_TARGET_RATIO = 1.2


def _branch(folder: Path, members: int):  # type: ignore[no-untyped-def]
    from desktop.domain.roster import MemberFields
    from desktop.services.branch import BranchProfile
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger
    from desktop.services.demo.roster import SURNAMES

    services = Services(open_ledger(folder, today=lambda: TODAY))
    services.branch.save_profile(BranchProfile(name="基准测试党支部", founded_on=dt.date(2020, 1, 1)))
    group = services.roster.add_group("第一党小组", dt.date(2020, 1, 1))
    ids = []
    for i in range(members):
        name = SURNAMES[i % len(SURNAMES)] + "建国明华丽强"[i % 6] + "一二三四五六七八九十"[i // 10 % 10]
        fields = MemberFields(name=name, joined_on=dt.date(2015, 7, 1), confirmed_on=dt.date(2016, 7, 1),
                              party_group_id=group.id)
        ids.append(services.roster.add_member(fields, effective_on=dt.date(2015, 7, 1)).id)
    services.branch.elect_committee(dt.date(2025, 1, 5), [(ids[0], "书记"), (ids[1], "组织委员"), (ids[2], "宣传委员")])
    return services, ids


def _meeting(services, day: dt.date, kinds: tuple[str, ...], number: int):  # type: ignore[no-untyped-def]
    from desktop.domain.meetings import AttendanceEntry, Speech
    from desktop.services.meetings import MeetingInput, ResolutionInput

    expected = services.meetings.expected_attendees(kinds, None, day)
    attendance = tuple(AttendanceEntry(a.member_id, "请假", "因公", "出差") if i % 17 == 5 else
                       AttendanceEntry(a.member_id, "出席") for i, a in enumerate(expected))
    voting = len(expected)
    present = sum(1 for e in attendance if e.present)
    return MeetingInput(
        kinds=kinds, held_on=day, topic=f"第{number}次学习：党的建设专题", starts_at="14:30", ends_at="16:30",
        place="党员活动室", chair=expected[0].name, recorder=expected[1].name,
        agenda=("学习文件", "讨论本月工作", "部署下月任务"),
        speeches=tuple(Speech(a.name, "结合岗位实际谈学习体会，提出具体改进措施。" * 2) for a in expected[:4]),
        resolutions=(ResolutionInput("通过本月工作安排", True, voting, present, present, 0, 0),),
        attendance=attendance, late_reason="基准测试补录",
    )


def bench_record(folder: Path) -> tuple[float, float]:
    services, _ = _branch(folder, 50)
    try:
        times: list[float] = []
        cpu_times: list[float] = []
        for i in range(15):
            day = dt.date(2026, 1 + i % 12, 2 + i // 12)
            data = _meeting(services, day, ("支部党员大会",), i)
            start, cpu = time.perf_counter(), time.process_time()
            services.meetings.record_meeting(None, data)
            times.append((time.perf_counter() - start) * 1000)
            cpu_times.append((time.process_time() - cpu) * 1000)
        return statistics.median(times), statistics.median(cpu_times)
    finally:
        services.close()


def bench_ledger(folder: Path) -> tuple[float, float, int]:
    from reportlab.platypus import SimpleDocTemplate

    from desktop.ledgers import layout
    from desktop.ledgers import meetings as printed

    services, _ = _branch(folder, 30)
    try:
        kinds_cycle = (("主题党日",), ("支部委员会",), ("党课",), ("支部党员大会", "主题党日"), ("其他学习",))
        for i in range(100):
            day = dt.date(2026, 1 + i % 12, 1 + (i // 12) * 3)
            kinds = kinds_cycle[i % len(kinds_cycle)]
            services.meetings.record_meeting(None, _meeting(services, day, kinds, i))
        out = folder / "ledger.pdf"
        # Raw reportlab: the same flowables from the same DTOs, built plainly (no database).
        ids = [m.id for m in services.meetings.list_meetings(2026) if m.held]
        details = [services.meetings.get_meeting(i) for i in ids]
        summary = services.meetings.summary_table(2026, [d.meeting for d in details])
        lines = services.meetings.settings().lines()
        info = layout.PageInfo("2026年度组织生活台账", "基准测试党支部", TODAY, landscape=True)

        def plain_build(path: Path, page: layout.PageInfo, story: list) -> Path:  # type: ignore[type-arg]
            from reportlab.lib.pagesizes import A4, landscape

            doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=layout.MARGIN,
                                    rightMargin=layout.MARGIN, topMargin=16 * 2.834645669, bottomMargin=layout.MARGIN)
            doc.build(story)
            return path

        real = printed.build_pdf
        ours: list[float] = []
        raw: list[float] = []
        rendered = None
        for _ in range(5):  # interleaved, best of five: other load on the machine hits both alike
            start = time.process_time()
            rendered = services.meetings.render_ledger(2026, out)
            ours.append(time.process_time() - start)
            try:
                printed.build_pdf = plain_build  # type: ignore[assignment]
                start = time.process_time()
                printed.render_ledger(folder / "raw.pdf", info, 2026, summary, details, lines)
                raw.append(time.process_time() - start)
            finally:
                printed.build_pdf = real  # type: ignore[assignment]
        pages = len(__import__("pypdf").PdfReader(rendered.path).pages) if _has_pypdf() and rendered else 0
        return min(ours), min(raw), pages
    finally:
        services.close()


def _has_pypdf() -> bool:
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        record_ms, record_cpu_ms = bench_record(Path(tmp) / "record")
        ours, raw, pages = bench_ledger(Path(tmp) / "ledger")
    ratio = ours / raw
    figures = {"record_50_attendees_ms": round(record_ms, 1), "record_50_attendees_cpu_ms": round(record_cpu_ms, 1), "ledger_100_meetings_s": round(ours, 3),
               "ledger_raw_reportlab_s": round(raw, 3), "ledger_ratio": round(ratio, 2), "ledger_pages": pages}
    print(f"记录一次 50 人会议（中位数）：{record_ms:.1f} ms，其中 CPU {record_cpu_ms:.1f} ms（目标 ≤ {RECORD_TARGET_MS:.0f} ms）"
          f"{'  达标' if record_ms <= RECORD_TARGET_MS else '  未达标'}")
    print(f"100 次会议的年度台账（CPU 时间，不受机器上其他负载影响）：{ours:.3f} s，{pages} 页；同内容直接用 reportlab：{raw:.3f} s；"
          f"比值 {ratio:.2f}（目标 ≤ {LEDGER_TARGET_RATIO}）{'  达标' if ratio <= LEDGER_TARGET_RATIO else '  未达标'}")
    return figures


if __name__ == "__main__":
    main()
