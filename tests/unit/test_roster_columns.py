"""Header variants and cell normalisers of roster spreadsheets (pure rules)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.errors import ValidationError
from desktop.domain.idnumber import check_digit
from desktop.domain.roster import CATEGORIES
from desktop.domain.roster_columns import (
    EXPORT_COLUMNS,
    NATIONAL_COLUMNS,
    map_headers,
    match_header,
    parse_category,
    parse_id_cell,
    parse_row,
    parse_sex,
    parse_stage,
    parse_yes_no,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("身份证号", "id_number"), ("身份证号码", "id_number"), ("公民身份号码", "id_number"),
        ("入党时间", "joined_on"), ("入党日期", "joined_on"),
        ("联系电话", "phone"), ("手机", "phone"), ("手机号码", "phone"),
        ("出生年月", "birth_date"), ("出生日期", "birth_date"),
        ("党员类型", "stage"), ("所在党小组", "party_group"), ("党小组", "party_group"),
        ("工作单位及职务（工作岗位）", "work_unit_post"), ("工作单位及职务(工作岗位)", "work_unit_post"),
        (" 姓 名 ", "name"), ("*姓名", "name"), ("姓名：", "name"), ("是否流动党员", "is_mobile"),
        ("延长预备期时间", "probation_extension"), ("党籍状态", "status"), ("新就业群体", "new_employment_group"),
    ],
)
def test_header_variants(header: str, field: str) -> None:
    assert match_header(header) == field


def test_every_national_and_export_column_is_recognised() -> None:
    assert len(NATIONAL_COLUMNS) == 23
    for header, field in EXPORT_COLUMNS:
        assert match_header(header) == field


def test_unknown_ignored_and_duplicate_columns() -> None:
    mapping = map_headers(["序号", "姓名", "身份证号", "籍贯", None, "公民身份号码", "年龄"])
    assert mapping.fields == {1: "name", 2: "id_number"}
    assert mapping.headers["id_number"] == "身份证号"
    assert mapping.unrecognised == ((3, "籍贯"),)
    assert mapping.duplicates == ((5, "公民身份号码"),)
    assert [h for _, h in mapping.ignored] == ["序号", "年龄"]


@pytest.mark.parametrize(("raw", "value"), [("是", True), ("否", False), ("√", True), ("Y", True), ("n", False),
                                            (1, True), (0, False), ("无", False), (True, True), (None, None), ("", None)])
def test_yes_no(raw: object, value: bool | None) -> None:
    assert parse_yes_no(raw) is value


def test_yes_no_refuses_other_words() -> None:
    with pytest.raises(ValidationError, match="也许"):
        parse_yes_no("也许")


@pytest.mark.parametrize(("raw", "value"), [("男", "男"), ("女性", "女"), ("M", "男"), ("f", "女")])
def test_sex(raw: str, value: str) -> None:
    assert parse_sex(raw) == value


@pytest.mark.parametrize(("raw", "value"), [("正式", "正式党员"), ("预备", "预备党员"), ("预备党员", "预备党员"),
                                            ("入党积极分子", "入党积极分子"), ("积极分子", "入党积极分子")])
def test_stage(raw: str, value: str) -> None:
    assert parse_stage(raw) == value


def test_stage_refuses_unknown() -> None:
    with pytest.raises(ValidationError, match="群众"):
        parse_stage("群众")


@pytest.mark.parametrize(("raw", "value", "noted"), [
    ("在职", "在职", False), ("退休", "离退休", False), ("离退休人员", "离退休", False), ("农牧渔民", "农民", False),
    ("在校学生", "学生", False), ("失业人员", "下岗失业", False), ("专业技术人员", "在职", True),
    ("企业管理人员", "在职", True),
])
def test_category(raw: str, value: str, noted: bool) -> None:
    result = parse_category(raw)
    assert result is not None and result.value == value and (result.note is not None) is noted
    assert result.value in CATEGORIES


def test_category_refuses_nonsense() -> None:
    with pytest.raises(ValidationError, match="未知的人员类别"):
        parse_category("火星人")


def test_id_cell_stored_as_a_number_is_refused() -> None:
    with pytest.raises(ValidationError, match="末几位已丢失"):
        parse_id_cell(1.10105199001011e17)
    with pytest.raises(ValidationError, match="科学计数法"):
        parse_id_cell("1.10105E+17")
    assert parse_id_cell("'110105199001011234") == "110105199001011234"


def _id(birth: str, seq: str) -> str:
    first17 = "110105" + birth + seq
    return first17 + check_digit(first17)


def test_row_fills_birth_and_sex_from_the_id_number() -> None:
    row = parse_row(7, {"name": "欧阳　娜娜", "id_number": _id("19850314", "122"), "birth_date": "1985.03",
                        "joined_on": 2010.07, "is_mobile": "否", "category": "农民工"})
    assert row.row_number == 7 and not row.has_errors
    assert row.values["name"] == "欧阳娜娜"
    assert row.values["birth_date"] == dt.date(1985, 3, 14)
    assert row.values["sex"] == "女"
    assert row.values["joined_on"] == dt.date(2010, 7, 1)
    assert row.values["is_mobile"] is False
    assert row.values["category"] == "在职" and row.values["is_migrant_worker"] is True


def test_row_collects_every_cell_problem_and_keeps_going() -> None:
    row = parse_row(3, {"name": "", "sex": "未知", "joined_on": "2020-02-30", "is_lost_contact": "可能"})
    fields = [p.field for p in row.problems]
    assert fields == ["name", "sex", "joined_on", "is_lost_contact"]
    assert row.has_errors


def test_month_only_birth_that_disagrees_with_the_id_is_kept_for_the_rules_to_flag() -> None:
    row = parse_row(2, {"name": "李四", "id_number": _id("19850314", "121"), "birth_date": "1986.03"})
    assert row.values["birth_date"] == dt.date(1986, 3, 1)


_cells = st.one_of(
    st.none(), st.text(max_size=20), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.dates(), st.datetimes(),
)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(sorted({f for _, f in EXPORT_COLUMNS})), _cells)
def test_any_single_cell_gives_a_problem_or_a_value(field_name: str, value: object) -> None:
    row = parse_row(2, {"name": "张三", field_name: value})
    assert all(p.message for p in row.problems)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted({f for _, f in EXPORT_COLUMNS})), _cells))
def test_any_cell_values_give_problems_never_a_crash(cells: dict[str, object]) -> None:
    """A half-filled or garbled spreadsheet row is reported, never an exception."""
    from dataclasses import fields as dc_fields, replace

    from desktop.domain.roster import MemberFields, member_problems

    row = parse_row(2, cells)
    names = {f.name for f in dc_fields(MemberFields)}
    merged = replace(MemberFields(name=""), **{k: v for k, v in row.values.items() if k in names})
    member_problems(merged, dt.date(2026, 11, 21))


def test_job_title_in_its_own_column_joins_the_work_unit() -> None:
    mapping = map_headers(["姓名", "工作单位", "岗位", "职务"])
    assert mapping.unrecognised == ((3, "职务"),)  # ambiguous: could be 党内职务
    row = parse_row(2, {mapping.fields[c]: v for c, v in zip((1, 2), ("某公司", "会计"))} | {"name": "张三"})
    assert row.values["work_unit_post"] == "某公司 会计"
    only_post = parse_row(2, {"name": "张三", "work_post": "会计"})
    assert only_post.values["work_unit_post"] == "会计"
