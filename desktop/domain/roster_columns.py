"""Roster spreadsheet columns (domain.md §2): header variants → field names, and cell normalisers.

Real rosters name the same column differently (身份证号/身份证号码/公民身份号码; 入党时间/入党日期 …)
and write the same value differently (是/否/√, 正式/正式党员, 退休/离退休人员). Everything here is pure:
cells in, field values and Chinese problem messages out; the importer service does the reading."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from desktop.domain.dates import parse_date
from desktop.domain.errors import ValidationError
from desktop.domain.idnumber import normalize as normalize_id
from desktop.domain.idnumber import parse_id_number
from desktop.domain.roster import CATEGORIES, EDUCATIONS, FIELD_LABELS, NEW_EMPLOYMENT_GROUPS, STAGES, STATUSES

# The roster columns in the national system's order and names (domain.md §2), then the ones this
# app keeps beyond them. (header written on export, field). "party_group" is the group's name.
NATIONAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("姓名", "name"),
    ("性别", "sex"),
    ("民族", "ethnicity"),
    ("出生日期", "birth_date"),
    ("公民身份号码", "id_number"),
    ("学历", "education"),
    ("学位", "degree"),
    ("人员类别", "category"),
    ("工作单位及职务(工作岗位)", "work_unit_post"),
    ("手机号码", "phone"),
    ("现居住地", "residence"),
    ("户籍所在地", "household_registration"),
    ("入党日期", "joined_on"),
    ("转正日期", "confirmed_on"),
    ("党员类型", "stage"),
    ("所在党小组", "party_group"),
    ("党内职务", "party_post"),
    ("是否流动党员", "is_mobile"),
    ("是否失联党员", "is_lost_contact"),
    ("是否农民工", "is_migrant_worker"),
    ("新社会阶层类型", "new_social_stratum"),
    ("延长预备期时间", "probation_extension"),
    ("党籍状态", "status"),
)
EXTRA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("申请入党日期", "applied_on"),
    ("流动去向", "mobile_where"),
    ("流动开始日期", "mobile_since"),
    ("失联开始日期", "lost_contact_since"),
    ("新就业群体", "new_employment_group"),
    ("备注", "notes"),
)
EXPORT_COLUMNS: tuple[tuple[str, str], ...] = NATIONAL_COLUMNS + EXTRA_COLUMNS

# Other names the same columns go by in real files (compared after `normalize_header`).
_VARIANTS: dict[str, tuple[str, ...]] = {
    "name": ("党员姓名", "名字"),
    "sex": ("性別",),
    "ethnicity": ("民族成分",),
    "birth_date": ("出生年月", "出生年月日", "出生时间", "生日"),
    "id_number": ("身份证号", "身份证号码", "身份证", "证件号码", "公民身份证号码", "公民身份证号", "身份证件号码"),
    "education": ("文化程度", "最高学历", "学历(最高)"),
    "degree": ("最高学位",),
    "category": ("人员分类", "党员类别"),
    "work_unit_post": ("工作单位及职务", "工作单位及职务(工作岗位)", "工作单位及职务（工作岗位）", "工作单位",
                       "单位及职务", "工作单位和职务", "单位"),
    "phone": ("手机", "手机号", "联系电话", "电话", "联系方式", "电话号码", "移动电话"),
    "residence": ("现居住地址", "现住址", "居住地", "家庭住址", "住址", "家庭地址", "现居住地址(详细)"),
    "household_registration": ("户籍地", "户口所在地", "户籍所在地址", "户籍地址"),
    "joined_on": ("入党时间", "入党年月", "入党日期(接收预备党员日期)"),
    "confirmed_on": ("转正时间", "转正年月"),
    "stage": ("发展阶段", "党员身份"),
    "party_group": ("党小组", "所属党小组", "党小组名称"),
    "party_post": ("党内职务(职务)", "支部职务"),
    "is_mobile": ("流动党员",),
    "is_lost_contact": ("失联党员", "是否失去联系"),
    "is_migrant_worker": ("农民工",),
    "new_social_stratum": ("新社会阶层", "新的社会阶层类型", "新的社会阶层人士类型"),
    "probation_extension": ("延长预备期",),
    "status": ("党籍", "党员状态"),
    "applied_on": ("申请入党时间", "入党申请日期", "入党申请时间", "递交入党申请书日期"),
    "mobile_where": ("流动地点", "外出流向", "流入地"),
    "mobile_since": ("流动日期", "外出日期", "外出时间", "流动时间"),
    "lost_contact_since": ("失联日期", "失联时间", "失去联系日期"),
    "new_employment_group": ("新就业群体类型",),
    "notes": ("说明",),
}
# A job title in a column of its own ("工作单位" + "岗位"): appended to 工作单位及职务. A bare "职务" is
# left unrecognised on purpose: in a Party roster it may as well mean 党内职务.
JOB_TITLE_FIELD = "work_post"
JOB_TITLE_HEADERS: tuple[str, ...] = ("工作岗位", "岗位", "行政职务", "工作职务", "职称职务", "职业岗位")

# Columns recognised but not imported: numbering, and figures the app works out itself.
IGNORED_HEADERS: dict[str, str] = {
    "序号": "序号", "编号": "序号", "NO": "序号", "NO.": "序号", "年龄": "由出生日期计算", "党龄": "由入党日期计算",
}

FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    f: (header, *_VARIANTS.get(f, ())) for header, f in EXPORT_COLUMNS
}
DATE_FIELDS: frozenset[str] = frozenset(
    {"birth_date", "applied_on", "joined_on", "confirmed_on", "mobile_since", "lost_contact_since"}
)
BOOL_FIELDS: frozenset[str] = frozenset({"is_mobile", "is_lost_contact", "is_migrant_worker"})


def normalize_header(text: object) -> str:
    """Comparable form of a header cell: NFKC (full-width brackets), no spaces, no required-marks (*),
    no trailing colon, Latin upper-cased."""
    value = unicodedata.normalize("NFKC", "" if text is None else str(text))
    value = re.sub(r"\s+", "", value).strip("*:：").upper()
    return value


_LOOKUP: dict[str, str] = {}
for _field, _headers in FIELD_HEADERS.items():
    for _header in _headers:
        _LOOKUP[normalize_header(_header)] = _field
for _header in JOB_TITLE_HEADERS:
    _LOOKUP[normalize_header(_header)] = JOB_TITLE_FIELD
_IGNORED: dict[str, str] = {normalize_header(h): why for h, why in IGNORED_HEADERS.items()}


def match_header(text: object) -> str | None:
    """The field a header names, "" for a recognised column that is not imported, None if unknown."""
    key = normalize_header(text)
    if not key:
        return None
    if key in _LOOKUP:
        return _LOOKUP[key]
    if key in _IGNORED:
        return ""
    return None


def is_name_header(text: object) -> bool:
    return match_header(text) == "name"


@dataclass(frozen=True)
class HeaderMap:
    """How one file's header row maps to fields. Columns are 0-based positions."""

    fields: dict[int, str]  # column → field
    headers: dict[str, str]  # field → the header as written in the file
    ignored: tuple[tuple[int, str], ...] = ()  # recognised, not imported (序号, 年龄 …)
    unrecognised: tuple[tuple[int, str], ...] = ()  # headers nobody knows
    duplicates: tuple[tuple[int, str], ...] = ()  # a second column for a field already mapped

    def header_of(self, field_name: str) -> str:
        return self.headers.get(field_name) or field_label(field_name)


def field_label(field_name: str) -> str:
    """What the app calls a field (for "身份证号→公民身份号码" in the preview)."""
    extra = {"party_group": "所在党小组", JOB_TITLE_FIELD: "工作岗位（并入工作单位及职务）"}
    return extra.get(field_name) or FIELD_LABELS.get(field_name) or field_name


def map_headers(cells: Sequence[object]) -> HeaderMap:
    """Map a header row. The first column naming a field wins; later ones are listed as duplicates."""
    fields: dict[int, str] = {}
    headers: dict[str, str] = {}
    ignored: list[tuple[int, str]] = []
    unknown: list[tuple[int, str]] = []
    duplicates: list[tuple[int, str]] = []
    for column, cell in enumerate(cells):
        shown = "" if cell is None else str(cell).strip()
        if not shown:
            continue
        target = match_header(cell)
        if target is None:
            unknown.append((column, shown))
        elif target == "":
            ignored.append((column, shown))
        elif target in headers:
            duplicates.append((column, shown))
        else:
            fields[column] = target
            headers[target] = shown
    return HeaderMap(fields, headers, tuple(ignored), tuple(unknown), tuple(duplicates))


# -- value normalisers -------------------------------------------------------------------------

def cell_text(raw: object) -> str | None:
    """A cell as trimmed text; None when empty. Whole floats (13800001111.0) lose their '.0'."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, (dt.datetime, dt.date)):
        raw = raw.strftime("%Y-%m-%d")
    text = str(raw).replace("\u3000", " ").strip()
    return text or None


_YES = {"是", "Y", "YES", "TRUE", "1", "√", "✓", "✔", "有", "T", "对"}
_NO = {"否", "N", "NO", "FALSE", "0", "×", "✗", "无", "F", "不是", "-", "—", "/"}


def parse_yes_no(raw: object) -> bool | None:
    """是/否 (also Y/N, √/×, 1/0, 有/无); None when empty."""
    text = cell_text(raw)
    if text is None:
        return None
    key = unicodedata.normalize("NFKC", text).upper()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValidationError(f"应填“是”或“否”，而不是“{text}”")


def parse_sex(raw: object) -> str | None:
    text = cell_text(raw)
    if text is None:
        return None
    key = unicodedata.normalize("NFKC", text).upper()
    for value, words in (("男", ("男", "男性", "M", "MALE")), ("女", ("女", "女性", "F", "FEMALE"))):
        if key in words:
            return value
    raise ValidationError(f"性别应为“男”或“女”，而不是“{text}”")


_STAGE_WORDS: dict[str, str] = {
    "正式": "正式党员", "正式党员": "正式党员", "预备": "预备党员", "预备党员": "预备党员",
    "积极分子": "入党积极分子", "申请人": "入党申请人", "入党申请": "入党申请人",
}


def parse_stage(raw: object) -> str | None:
    """党员类型 正式/预备 (or a full 发展阶段 name) → stage."""
    text = cell_text(raw)
    if text is None:
        return None
    if text in STAGES:
        return text
    if text in _STAGE_WORDS:
        return _STAGE_WORDS[text]
    raise ValidationError(f"党员类型应为“正式”或“预备”（或发展阶段名称），而不是“{text}”")


_CATEGORY_WORDS: dict[str, str] = {
    "在岗职工": "在职", "在职职工": "在职", "在职人员": "在职", "在职党员": "在职",
    "自由职业": "个体", "自由职业者": "个体", "自由职业人员": "个体", "个体工商户": "个体", "个体经营": "个体",
    "个体户": "个体",
    "离休": "离退休", "退休": "离退休", "离退休人员": "离退休", "退休人员": "离退休", "离休人员": "离退休",
    "离休干部": "离退休", "退休职工": "离退休",
    "农牧渔民": "农民", "农民工": "农民",  # 农民工 pays as 在职 by income; flagged below
    "在校学生": "学生", "学生党员": "学生",
    "失业": "下岗失业", "下岗": "下岗失业", "失业人员": "下岗失业", "下岗职工": "下岗失业",
    "最低生活保障": "低保", "低保户": "低保",
    "困难党员": "生活困难",
}
# The national system's occupational categories (人员类别): paid as 在职 under the dues rules.
_EMPLOYED_OCCUPATIONS: tuple[str, ...] = (
    "企业管理人员", "专业技术人员", "工人", "党政机关工作人员", "事业单位管理人员", "机关工作人员",
    "公务员", "企业员工", "职工", "军人武警", "解放军", "社会组织从业人员", "民办非企业单位人员",
    "非公有制经济组织人员", "公有制经济控制企业人员", "教师", "医生",
)


@dataclass(frozen=True)
class Normalised:
    value: object
    note: str | None = None  # a warning: imported, but the user should look


def parse_category(raw: object) -> Normalised | None:
    """人员类别 → one of the dues categories; an occupational category becomes 在职 with a note."""
    text = cell_text(raw)
    if text is None:
        return None
    if text in CATEGORIES:
        return Normalised(text)
    if text == "农民工":
        return Normalised("在职", f"人员类别“{text}”按“在职”导入（按收入交党费），并标为农民工")
    if text in _CATEGORY_WORDS:
        return Normalised(_CATEGORY_WORDS[text])
    if text in _EMPLOYED_OCCUPATIONS or any(text.endswith(w) for w in ("人员", "职工", "员工", "干部")):
        return Normalised("在职", f"人员类别“{text}”按“在职”导入，请核对（党费按类别计算）")
    raise ValidationError(f"未知的人员类别“{text}”（可填：{'、'.join(CATEGORIES)}）")


_EDUCATION_WORDS: dict[str, str] = {
    "博士": "研究生", "博士研究生": "研究生", "硕士": "研究生", "硕士研究生": "研究生", "研究生": "研究生",
    "本科": "大学本科", "大学": "大学本科", "大本": "大学本科",
    "大专": "大学专科", "专科": "大学专科", "高职": "大学专科",
    "中专": "中等专科", "中技": "中等职业", "职高": "中等职业", "技校": "中等职业",
    "高中": "高中", "初中": "初中及以下", "小学": "初中及以下", "初中以下": "初中及以下",
}


def parse_education(raw: object) -> str | None:
    """学历: known synonyms to the standard names; anything else kept as written (free text)."""
    text = cell_text(raw)
    if text is None:
        return None
    if text in EDUCATIONS:
        return text
    return _EDUCATION_WORDS.get(text, text)


def parse_status(raw: object) -> str | None:
    text = cell_text(raw)
    if text is None:
        return None
    aliases = {"在册": "正常", "正常党员": "正常", "转出": "已转出", "停止": "停止党籍", "死亡": "去世", "已故": "去世"}
    value = aliases.get(text, text)
    if value not in STATUSES:
        raise ValidationError(f"未知的党籍状态“{text}”（可填：{'、'.join(STATUSES)}）")
    return value


_NEW_EMPLOYMENT_WORDS: dict[str, str] = {
    "快递": "快递员", "快递小哥": "快递员", "外卖": "外卖骑手", "外卖员": "外卖骑手", "外卖送餐员": "外卖骑手",
    "骑手": "外卖骑手", "网约车": "网约车司机", "网约配送员": "外卖骑手", "货车": "货车司机", "卡车司机": "货车司机",
    "主播": "网络主播", "网红主播": "网络主播",
}


def parse_new_employment(raw: object) -> str | None:
    text = cell_text(raw)
    if text is None or text in ("否", "无", "-"):
        return None
    value = _NEW_EMPLOYMENT_WORDS.get(text, text)
    if value not in NEW_EMPLOYMENT_GROUPS:
        raise ValidationError(f"未知的新就业群体类型“{text}”（可填：{'、'.join(NEW_EMPLOYMENT_GROUPS)}）")
    return value


def parse_id_cell(raw: object) -> str | None:
    """公民身份号码 as text. A number with a fraction or exponent means Excel stored the ID as a
    number and kept only 15 significant digits: the last digits are lost, refuse it."""
    if raw is None:
        return None
    if isinstance(raw, float):
        raise ValidationError("身份证号被存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写")
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    text = str(raw)
    if re.fullmatch(r"\s*\d(\.\d+)?[Ee]\+?\d+\s*", text):
        raise ValidationError(f"身份证号“{text.strip()}”是科学计数法，末几位已丢失：请把该列设为“文本”格式后重新填写")
    value = normalize_id(text)
    return value or None


def parse_phone(raw: object) -> str | None:
    text = cell_text(raw)
    if text is None:
        return None
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def parse_name(raw: object) -> str:
    """Names padded for alignment ("张　三") lose the padding; 维吾尔族 names keep their “·”."""
    text = cell_text(raw) or ""
    return re.sub(r"\s+", "", text)


def _parse_ethnicity(raw: object) -> str | None:
    text = cell_text(raw)
    if text is None:
        return None
    return "汉族" if text == "汉" else text


def _parse_plain(raw: object) -> str | None:
    return cell_text(raw)


_PARSERS = {
    "sex": parse_sex,
    "ethnicity": _parse_ethnicity,
    "education": parse_education,
    "stage": parse_stage,
    "status": parse_status,
    "new_employment_group": parse_new_employment,
    "id_number": parse_id_cell,
    "phone": parse_phone,
}


@dataclass(frozen=True)
class RowProblem:
    """One problem of one row, against the field whose column it concerns ("" for the whole row)."""

    field: str
    message: str
    is_error: bool = True


@dataclass(frozen=True)
class ParsedRow:
    """One spreadsheet row read into field values. `values` holds only the non-empty cells
    (an empty cell changes nothing when an existing member is updated)."""

    row_number: int
    values: dict[str, object]
    problems: tuple[RowProblem, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return str(self.values.get("name") or "")

    @property
    def id_number(self) -> str | None:
        value = self.values.get("id_number")
        return str(value) if value else None

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def parse_row(row_number: int, cells: Mapping[str, object]) -> ParsedRow:
    """Read one row's cells (field → raw cell value). Values the cell rules refuse become problems;
    member-level rules (check digit agreement, date order) are `desktop.domain.roster.member_problems`."""
    values: dict[str, object] = {}
    problems: list[RowProblem] = []
    for name, raw in cells.items():
        try:
            if name == "name":
                value: object = parse_name(raw)
            elif name in DATE_FIELDS:
                parsed = parse_date(raw if not isinstance(raw, str) else raw.strip() or None)
                value = parsed.value if parsed else None
                if parsed and parsed.month_only and name == "birth_date":
                    values["_birth_month_only"] = True
            elif name in BOOL_FIELDS:
                value = parse_yes_no(raw)
            elif name == "category":
                result = parse_category(raw)
                value = result.value if result else None
                if result and result.note:
                    problems.append(RowProblem(name, result.note, is_error=False))
                if cell_text(raw) == "农民工":
                    values["is_migrant_worker"] = True
            elif name in _PARSERS:
                value = _PARSERS[name](raw)
            else:
                value = _parse_plain(raw)
        except ValidationError as exc:
            problems.append(RowProblem(name, exc.message))
            continue
        if value is not None and value != "":
            values[name] = value
    post = values.pop(JOB_TITLE_FIELD, None)
    if post:
        unit = values.get("work_unit_post")
        values["work_unit_post"] = f"{unit} {post}" if unit and str(post) not in str(unit) else (unit or post)
    _fill_from_id_number(values, problems)
    if not values.get("name"):
        problems.insert(0, RowProblem("name", "姓名为空"))
    return ParsedRow(row_number, values, tuple(problems))


def _fill_from_id_number(values: dict[str, object], problems: list[RowProblem]) -> None:
    """Birth date and sex come from the ID number when their cells are empty; a month-only birth
    date ("1985.03") takes the day from the ID number when year and month agree."""
    month_only = values.pop("_birth_month_only", False)
    raw_id = values.get("id_number")
    if not raw_id or any(p.field == "id_number" for p in problems):
        return
    try:
        info = parse_id_number(str(raw_id))
    except ValidationError:
        return  # member_problems reports it with the other member rules
    birth = values.get("birth_date")
    if birth is None or (month_only and isinstance(birth, dt.date)
                         and (birth.year, birth.month) == (info.birth_date.year, info.birth_date.month)):
        values["birth_date"] = info.birth_date
    values.setdefault("sex", info.sex)


def row_is_empty(cells: Sequence[object]) -> bool:
    return all(cell_text(c) is None for c in cells)
