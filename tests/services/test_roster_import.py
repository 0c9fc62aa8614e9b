"""Importing a roster from .xlsx/.csv: preview, problems named by row and column, all-or-nothing commit."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop.domain.errors import LedgerError
from desktop.domain.idnumber import check_digit

@pytest.fixture
def roster_demo(services, today):  # type: ignore[no-untyped-def]
    """Only the demo roster (25 members, 3 groups): these tests need no other area's demo data."""
    from desktop.services.demo import roster as roster_demo_step

    roster_demo_step.populate(services, today)
    return services



def make_id(birth: str, seq: str = "123", area: str = "330106") -> str:
    first17 = f"{area}{birth}{seq}"
    return first17 + check_digit(first17)


ID_A = make_id("19850314", "121")  # male (odd 17th digit)
ID_B = make_id("19900702", "042")  # female
ID_C = make_id("19780101", "015")  # male


def write_xlsx(path: Path, rows: list[list[object]], *, title: str | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def folder_state(services) -> str:  # type: ignore[no-untyped-def]
    """Hash of the database file and its WAL: what a refused import must leave alone."""
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        path = Path(str(services.ctx.folder.database) + suffix)
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


GOOD_HEADER = ["序号", "姓名", "性别", "身份证号", "出生年月", "入党时间", "转正时间", "党员类型", "所在党小组", "手机",
               "人员类别", "爱好"]


def good_rows() -> list[list[object]]:
    return [
        GOOD_HEADER,
        [1, "张　伟", "男", ID_A, "1985.03", "2010-07-01", "2011/7/1", "正式", "第一党小组", 13800001111, "在职", "象棋"],
        [2, "李娜", "女", ID_B, None, dt.datetime(2015, 6, 30), "2016年6月30日", "正式", "第二党小组", "13900002222",
         "退休", ""],
        [3, "王强", "", ID_C, None, 45000, None, "预备", "第一党小组", None, "专业技术人员", None],
    ]


def test_preview_maps_variants_and_writes_nothing(services, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "名册.xlsx", good_rows(), title="某某党支部党员花名册")
    before = folder_state(services)
    preview = services.roster_io.preview_import(path)

    assert folder_state(services) == before
    assert services.roster.list_members() == []
    assert preview.header_row == 3
    assert preview.unrecognised == ("爱好",)
    assert "序号" in preview.ignored
    assert ("身份证号", "公民身份号码") in preview.columns
    assert ("入党时间", "入党日期") in preview.columns
    assert [r.row_number for r in preview.rows] == [4, 5, 6]
    assert [r.action for r in preview.rows] == ["新增", "新增", "新增"]
    # an occupational 人员类别 is imported as 在职 with a visible note, not an error
    assert any("专业技术人员" in p.message and not p.is_error for p in preview.rows[2].problems)


def test_commit_writes_members_groups_and_history(services, tmp_path: Path, today: dt.date) -> None:
    path = write_xlsx(tmp_path / "名册.xlsx", good_rows())
    result = services.roster_io.commit_import(services.roster_io.preview_import(path))

    assert (result.added, result.updated, result.skipped) == (3, 0, 0)
    assert set(result.groups_created) == {"第一党小组", "第二党小组"}
    members = {m.name: m for m in services.roster.list_members()}
    assert set(members) == {"张伟", "李娜", "王强"}  # the alignment space in 张　伟 is gone
    zhang = members["张伟"]
    assert zhang.birth_date == dt.date(1985, 3, 14)  # month-only 1985.03 completed from the ID number
    assert zhang.confirmed_on == dt.date(2011, 7, 1)
    assert zhang.phone == "13800001111"
    assert zhang.party_group == "第一党小组"
    li = members["李娜"]
    assert (li.category, li.sex, li.joined_on) == ("离退休", "女", dt.date(2015, 6, 30))
    wang = members["王强"]
    assert wang.stage == "预备党员"
    assert wang.joined_on == dt.date(2023, 3, 15)  # Excel serial 45000
    assert wang.sex == "男"  # from the ID number
    assert {c.attribute for c in services.roster.history(zhang.id)} >= {"stage", "party_group", "category"}


def test_wrong_check_digit_is_named_by_row_and_column_and_refused(services, tmp_path: Path) -> None:
    rows = good_rows()
    bad = ID_B[:-1] + ("0" if ID_B[-1] != "0" else "1")
    rows[2][3] = bad
    path = write_xlsx(tmp_path / "名册.xlsx", rows)
    preview = services.roster_io.preview_import(path)

    row = preview.rows[1]
    assert (row.row_number, row.action) == (3, "有错误")
    assert any(p.column == "身份证号" and "校验位" in p.message for p in row.problems)
    before = folder_state(services)
    with pytest.raises(LedgerError, match="第3行"):
        services.roster_io.commit_import(preview)
    assert folder_state(services) == before
    assert services.roster.list_members() == []


def test_skip_invalid_imports_the_other_rows(services, tmp_path: Path) -> None:
    rows = good_rows()
    rows[1][5] = "2020-02-30"  # impossible date
    path = write_xlsx(tmp_path / "名册.xlsx", rows)
    preview = services.roster_io.preview_import(path)
    assert any(p.column == "入党时间" and "2020-02-30" in p.message for p in preview.rows[0].problems)

    result = services.roster_io.commit_import(preview, skip_invalid=True)
    assert (result.added, result.skipped) == (2, 1)
    assert sorted(m.name for m in services.roster.list_members()) == ["李娜", "王强"]


def test_duplicate_id_within_the_file_marks_both_rows(services, tmp_path: Path) -> None:
    rows = good_rows()
    rows[3][3] = ID_A
    rows[3][2] = "男"
    path = write_xlsx(tmp_path / "名册.xlsx", rows)
    preview = services.roster_io.preview_import(path)
    assert [r.action for r in preview.rows] == ["有错误", "新增", "有错误"]
    assert "与第2行重复" in preview.rows[2].problem_text  # rows numbered as in the file: header is row 1
    assert "与第4行重复" in preview.rows[0].problem_text


def test_missing_name_column_is_refused_naming_the_file(services, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "无姓名.xlsx", [["性别", "身份证号"], ["男", ID_A]])
    with pytest.raises(LedgerError, match="无姓名.xlsx.*姓名"):
        services.roster_io.preview_import(path)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_gbk_and_utf8(services, tmp_path: Path, encoding: str) -> None:
    rows = [["姓名", "性别", "公民身份号码", "入党日期", "党员类型", "联系电话"],
            ["赵敏", "女", ID_B, "2019.07.01", "正式", "13700003333"],
            ["钱喆", "男", ID_A, "2012-05-04", "正式", ""]]
    path = write_csv(tmp_path / "roster.csv", rows, encoding)
    preview = services.roster_io.preview_import(path)
    assert preview.encoding == ("GBK/GB18030" if encoding == "gbk" else "UTF-8")
    assert [r.action for r in preview.rows] == ["新增", "新增"]
    services.roster_io.commit_import(preview)
    names = sorted(m.name for m in services.roster.list_members())
    assert names == ["赵敏", "钱喆"]


def test_existing_member_is_matched_by_id_and_updated(roster_demo, tmp_path: Path) -> None:
    services = roster_demo
    exported = services.roster_io.export_xlsx(tmp_path / "export.xlsx")
    before = services.roster.list_members()
    workbook = load_workbook(exported)
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    phone_col = header.index("手机号码") + 1
    id_col = header.index("公民身份号码") + 1
    target_id = sheet.cell(row=5, column=id_col).value
    sheet.cell(row=5, column=phone_col).value = "13312345678"
    residence_col = header.index("现居住地") + 1
    residence = sheet.cell(row=5, column=residence_col).value
    assert residence
    sheet.cell(row=5, column=residence_col).value = None  # a blank cell changes nothing
    workbook.save(exported)

    preview = services.roster_io.preview_import(exported)
    assert preview.count("更新") == 1 and preview.count("无变化") == len(before) - 1
    changed = next(r for r in preview.rows if r.action == "更新")
    assert changed.row_number == 5 and changed.changed == ("手机号码",)
    services.roster_io.commit_import(preview)

    after = services.roster.list_members()
    assert len(after) == len(before)
    member = next(m for m in after if m.id_number == target_id)
    assert member.phone == "13312345678"
    assert member.residence == residence
    assert any("空白单元格不会清除" in note for note in preview.notes)


def test_row_without_id_whose_name_exists_is_an_error(roster_demo, tmp_path: Path) -> None:
    existing = roster_demo.roster.list_members()[0]
    path = write_xlsx(tmp_path / "a.xlsx", [["姓名", "入党日期"], [existing.name, "2010-01-01"]])
    preview = roster_demo.roster_io.preview_import(path)
    assert preview.rows[0].action == "有错误"
    assert "同名" in preview.rows[0].problem_text


def test_id_stored_as_number_is_refused(services, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号", "入党日期"], ["孙丽", float(ID_A[:15] + "000"), "2010-01-01"]])
    preview = services.roster_io.preview_import(path)
    assert "末几位已丢失" in preview.rows[0].problem_text


def test_file_changed_after_preview_is_refused(services, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "名册.xlsx", good_rows())
    preview = services.roster_io.preview_import(path)
    write_xlsx(path, good_rows()[:2])
    with pytest.raises(LedgerError, match="预览之后被修改"):
        services.roster_io.commit_import(preview)
    assert services.roster.list_members() == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.xlsx", b"", "是空的"),
        ("text.xlsx", "姓名,性别\n".encode(), "不是有效的 .xlsx"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "密码"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "97-2003"),
        ("picture.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "不支持的文件类型"),
    ],
)
def test_malformed_files_get_a_message_naming_the_file(services, tmp_path: Path, name: str, content: bytes,
                                                       message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LedgerError, match=message) as info:
        services.roster_io.preview_import(path)
    assert name in info.value.message


def test_truncated_xlsx_is_reported_as_damaged(services, tmp_path: Path) -> None:
    full = write_xlsx(tmp_path / "full.xlsx", good_rows())
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(full.read_bytes()[: len(full.read_bytes()) // 2])
    with pytest.raises(LedgerError, match="cut.xlsx.*损坏"):
        services.roster_io.preview_import(cut)


def test_header_only_file_is_refused(services, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [["姓名", "性别"]])
    with pytest.raises(LedgerError, match="没有任何数据行"):
        services.roster_io.preview_import(path)


def test_missing_file(services, tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="找不到文件"):
        services.roster_io.preview_import(tmp_path / "nope.xlsx")


def test_imported_history_rows_match_those_of_a_member_added_by_hand(services, tmp_path: Path) -> None:
    """The importer inserts new members in bulk: it must leave the same dated history rows as
    RosterService.add_member (insert_member) does, and keep the audit chain whole."""
    from desktop.domain.roster import MemberFields

    path = write_xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号", "入党日期", "转正日期", "党员类型", "人员类别", "是否流动党员",
                                             "流动开始日期", "所在党小组"],
                                            ["甲乙", ID_A, "2010-07-01", "2011-07-01", "正式", "在职", "是", "2025-01-01", "一组"]])
    services.roster_io.commit_import(services.roster_io.preview_import(path))
    imported = services.roster.list_members()[0]
    group_id = services.roster.list_groups()[0].id
    by_hand = services.roster.add_member(MemberFields(
        name="丙丁", id_number=ID_B, sex="女", birth_date=dt.date(1990, 7, 2), joined_on=dt.date(2010, 7, 1),
        confirmed_on=dt.date(2011, 7, 1), is_mobile=True, mobile_since=dt.date(2025, 1, 1), party_group_id=group_id))

    def rows(member_id: int) -> list[tuple[str, str | None, dt.date]]:
        return sorted((c.attribute, c.value, c.effective_on) for c in services.roster.history(member_id))

    assert rows(imported.id) == rows(by_hand.id)
    assert imported.created_at is not None
    from desktop.services.audit import AuditService

    assert AuditService(services.ctx).verify() == []


def test_updating_a_locked_member_needs_an_amendment_reason(services, tmp_path: Path) -> None:
    from desktop.domain.errors import RecordLockedError

    first = write_xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号", "入党日期", "手机"], ["甲乙", ID_A, "2010-07-01", "13800000001"]])
    services.roster_io.commit_import(services.roster_io.preview_import(first))
    member = services.roster.list_members()[0]
    sent = tmp_path / "sent.pdf"
    sent.write_bytes(b"%PDF-1.4 signed roster")
    services.ledgers.record_output("roster", "党员花名册", sent, records=[("member", member.id)], signed=True)

    second = write_xlsx(tmp_path / "b.xlsx", [["姓名", "身份证号", "入党日期", "手机"], ["甲乙", ID_A, "2010-07-01", "13800000002"]])
    preview = services.roster_io.preview_import(second)
    with pytest.raises(RecordLockedError):
        services.roster_io.commit_import(preview)
    assert services.roster.get_member(member.id).phone == "13800000001"
    services.roster_io.commit_import(preview, amendment_reason="手机号码变更")
    assert services.roster.get_member(member.id).phone == "13800000002"
    assert any(a.reason == "手机号码变更" for a in services.ledgers.amendments_for("member", member.id))
