"""公民身份号码 (GB 11643-1999): check digit, the birth date and sex it encodes, masking."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from desktop.domain.errors import ValidationError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValidationError("身份证号前17位必须是数字", field="id_number")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: dt.date
    sex: str  # "男" / "女"


def normalize(raw: str) -> str:
    """Full-width digits to ASCII, spaces and Excel's text markers (' and tab) removed, x upper-cased."""
    text = unicodedata.normalize("NFKC", raw)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "'\"").upper()


def parse_id_number(raw: str) -> IdNumberInfo:
    """Validate an 18-character ID number and return what it encodes. Raises ValidationError."""
    number = normalize(raw)
    if len(number) == 15 and number.isdigit():
        raise ValidationError(f"这是15位的旧身份证号：{mask(number)}，请换成18位的公民身份号码", field="id_number")
    if len(number) != 18:
        raise ValidationError(f"身份证号应为18位，实为{len(number)}位：{mask(number)}", field="id_number")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号只能由数字组成，末位可以是X", field="id_number")
    if check_digit(number[:17]) != number[17]:
        raise ValidationError(f"身份证号校验位错误：{mask(number)}（请核对每一位数字）", field="id_number")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(f"身份证号中的出生日期不存在：{number[6:14]}", field="id_number") from None
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return IdNumberInfo(number=number, birth_date=birth, sex=sex)


def agreement_problems(info: IdNumberInfo, *, birth_date: dt.date | None, sex: str | None) -> list[str]:
    """Where the other columns disagree with the ID number (empty list when they agree)."""
    problems = []
    if birth_date is not None and birth_date != info.birth_date:
        problems.append(f"出生日期{birth_date.isoformat()}与身份证号中的{info.birth_date.isoformat()}不一致")
    if sex and sex != info.sex:
        problems.append(f"性别“{sex}”与身份证号中的“{info.sex}”不一致")
    return problems


def mask(number: str | None) -> str:
    """Masked for display: 110105********1234. Short or empty values are masked whole."""
    if not number:
        return ""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
