"""Import a 10,000-member .xlsx into a fresh data folder: preview + commit (target ≤10 s).

Also times the .xlsx export and the re-preview of that export (every row matched, nothing new)."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from pathlib import Path

MEMBERS = 10_000
TARGET_IMPORT_S = 10.0
TODAY = dt.date(2026, 11, 21)


def make_roster_xlsx(path: Path, count: int = MEMBERS, seed: int = 7) -> Path:
    """A roster as secretaries keep it: a title row, variant headers, valid ID numbers."""
    from openpyxl import Workbook

    from bench.people import person

    rng = random.Random(seed)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文博宇轩浩然子涵欣怡梓萱诗雨思远嘉懿"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["某区党员花名册（测试数据）"])
    sheet.append(["序号", "姓名", "性别", "民族", "身份证号", "出生年月", "学历", "人员类别", "工作单位及职务", "手机",
                  "入党时间", "转正时间", "党员类型", "所在党小组", "是否流动党员"])
    used: set[str] = set()
    for index in range(count):
        sex, birth, id_number, joined = person(rng, used)
        probationary = index % 50 == 0
        if probationary:
            joined = dt.date(2026, rng.randint(1, 10), 15)
        sheet.append([
            index + 1,
            rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2)))),
            sex, "汉族", id_number, birth.strftime("%Y.%m"), rng.choice(("大学本科", "研究生", "大专")),
            "退休" if birth.year < 1965 else "在职", "某公司 职员", f"13{rng.randint(100000000, 999999999)}",
            joined.isoformat(), "" if probationary else dt.date(joined.year + 1, joined.month, joined.day).isoformat(),
            "预备" if probationary else "正式", f"第{index % 40 + 1}党小组", "否",
        ])
    workbook.save(path)
    return path


def _timed(figures: dict[str, float], name: str, action):  # type: ignore[no-untyped-def]
    """Run `action`, recording wall seconds as `name`_s and CPU seconds as `name`_cpu_s (the CPU
    figure is the steadier one on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    figures[f"{name}_s"] = time.perf_counter() - wall
    figures[f"{name}_cpu_s"] = time.process_time() - cpu
    return result


def main() -> dict[str, float]:
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-roster-") as tmp:
        root = Path(tmp)
        source = _timed(figures, "generate", lambda: make_roster_xlsx(root / "roster.xlsx"))
        services = Services(open_ledger(root / "data", today=lambda: TODAY))
        try:
            preview = _timed(figures, "preview", lambda: services.roster_io.preview_import(source))
            assert preview.error_rows == 0, [r.problem_text for r in preview.rows if r.has_errors][:3]
            result = _timed(figures, "commit", lambda: services.roster_io.commit_import(preview))
            assert result.added == MEMBERS
            exported = _timed(figures, "export_xlsx", lambda: services.roster_io.export_xlsx(root / "export.xlsx"))
            again = _timed(figures, "repreview", lambda: services.roster_io.preview_import(exported))
            assert again.count("无变化") == MEMBERS
        finally:
            services.close()
    figures["import_s"] = figures["preview_s"] + figures["commit_s"]
    figures["import_cpu_s"] = figures["preview_cpu_s"] + figures["commit_cpu_s"]

    verdict = "OK" if figures["import_s"] <= TARGET_IMPORT_S else "OVER TARGET"
    print(f"roster import of {MEMBERS:,} members (.xlsx, preview + commit): {figures['import_s']:.2f} s wall, "
          f"{figures['import_cpu_s']:.2f} s CPU (target ≤{TARGET_IMPORT_S:.0f} s) {verdict}")
    for name in ("preview", "commit", "export_xlsx", "repreview", "generate"):
        print(f"  {name}: {figures[name + '_s']:.2f} s wall, {figures[name + '_cpu_s']:.2f} s CPU")
    return figures


if __name__ == "__main__":
    main()
