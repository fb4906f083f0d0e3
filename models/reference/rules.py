"""Validation rules of the domain, shared by the API, imports and the synthetic world.

Each check raises ``RuleError`` with a bilingual message (Chinese / English).
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric, uscc

from matching.destinations import BEIJING, INNER_MONGOLIA
from matching.profiles import MIN_WORKING_AGE, STATUTORY_MAX_AGE, age_on  # noqa: F401 (rules.age_on)
from models.reference import gbt2260

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_GENDER_WORDS = re.compile(
    r"(限男|限女|仅限男|仅限女|只招男|只招女|男性优先|女性优先|男士优先|女士优先|男优先|女优先"
    r"|招男工|招女工|男性|女性|\bmale only\b|\bfemale only\b|\bmen only\b|\bwomen only\b"
    r"|\bmales? preferred\b|\bfemales? preferred\b|\bmen preferred\b|\bwomen preferred\b)",
    re.IGNORECASE,
)
GENDER_LAW_MESSAGE = (
    "根据《就业促进法》第二十七条，招聘不得限定或优先某一性别 / Under the Employment Promotion "
    "Law (Art. 27) a job posting must not restrict or prefer a gender"
)


class RuleError(ValueError):
    """A rule failed; ``str(exc)`` is the user-facing bilingual message."""


def normalize_id_number(value: str) -> str:
    return ric.compact(value or "").upper()


def _validate_ric(number: str) -> None:
    """``ric.validate`` with the birth-place look-up cached per (region, birth year).

    The GB/T 2260 look-up is ~80% of ``ric.validate``'s time, and a roster import checks
    100,000 numbers drawn from a few dozen regions.
    """
    if len(number) != 18:
        raise stdnum_exc.InvalidLength()
    if not number[:-1].isdigit() or not number[:-1].isascii():
        raise stdnum_exc.InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise stdnum_exc.InvalidChecksum()
    if not _birth_place_valid(number[:6], ric.get_birth_date(number).year):
        raise stdnum_exc.InvalidComponent()


@lru_cache(maxsize=8192)
def _birth_place_valid(region: str, year: int) -> bool:
    try:
        ric.get_birth_place(f"{region}{year:04d}0101000X")  # only the region and year are read
    except stdnum_exc.InvalidComponent:
        return False
    return True


def check_id_number(value: str, *, today: date) -> tuple[str, date, str]:
    """Validate a resident ID (18 chars, check character, real birth date, known region).

    Returns ``(normalised, birth_date, sex)``; sex is ``M`` for an odd sequence digit.
    """
    number = normalize_id_number(value)
    try:
        _validate_ric(number)
    except stdnum_exc.InvalidLength:
        raise RuleError("身份证号应为18位 / A resident ID number has 18 characters") from None
    except stdnum_exc.InvalidChecksum:
        raise RuleError("身份证号校验位错误 / The ID number's check character is wrong") from None
    except stdnum_exc.InvalidComponent:
        raise RuleError("身份证号的出生日期或地区码无效 / The ID number has an invalid birth date or region") from None
    except stdnum_exc.ValidationError:
        raise RuleError("身份证号格式错误 / The ID number is malformed") from None
    birth = ric.get_birth_date(number)
    if birth > today:
        raise RuleError("身份证号的出生日期在未来 / The ID number's birth date is in the future")
    return number, birth, "M" if int(number[16]) % 2 else "F"


def check_working_age(birth: date, *, today: date) -> None:
    age = age_on(birth, today)
    if age < MIN_WORKING_AGE:
        raise RuleError(f"未满{MIN_WORKING_AGE}周岁，不得登记求职 / Under the minimum working age of {MIN_WORKING_AGE}")


def check_phone(value: str) -> str:
    phone = re.sub(r"[\s-]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE.match(phone):
        raise RuleError("手机号应为11位大陆手机号码 / Must be an 11-digit mainland mobile number")
    return phone


def check_uscc(value: str) -> str:
    try:
        return uscc.validate(value or "")
    except stdnum_exc.InvalidChecksum:
        raise RuleError("统一社会信用代码校验位错误 / The USCC check character is wrong") from None
    except stdnum_exc.ValidationError:
        raise RuleError("统一社会信用代码应为18位有效字符 / A USCC has 18 valid characters") from None


def check_county(code: str, *, province: str = INNER_MONGOLIA) -> str:
    if not gbt2260.is_current_county(code, province):
        where = "内蒙古" if province == INNER_MONGOLIA else "北京市"
        where_en = "Inner Mongolia" if province == INNER_MONGOLIA else "Beijing"
        raise RuleError(f"须为{where}现行县级行政区划代码 / Must be a current county-level code in {where_en}")
    return code


def check_beijing_district(code: str) -> str:
    return check_county(code, province=BEIJING)


def check_workplace(code: str) -> str:
    """A posting may be anywhere with a current county-level code (Beijing, the region, other)."""
    if not gbt2260.is_current_county(code):
        raise RuleError("须为现行县级行政区划代码 / Must be a current county-level region code")
    return code


def check_gender_neutral(text: str | None) -> None:
    if text and _GENDER_WORDS.search(text):
        raise RuleError(GENDER_LAW_MESSAGE)


def check_age_range(age_min: int, age_max: int) -> None:
    if age_min < MIN_WORKING_AGE:
        raise RuleError(f"最低年龄不得小于{MIN_WORKING_AGE} / age_min must be at least {MIN_WORKING_AGE}")
    if age_max > STATUTORY_MAX_AGE:
        raise RuleError(f"最高年龄不得超过法定退休年龄{STATUTORY_MAX_AGE} / age_max must not exceed the statutory limit {STATUTORY_MAX_AGE}")
    if age_min > age_max:
        raise RuleError("最低年龄不得大于最高年龄 / age_min must not exceed age_max")


def check_wage_range(wage_min: int, wage_max: int) -> None:
    if wage_min <= 0 or wage_max <= 0:
        raise RuleError("工资须为正数 / Wages must be positive")
    if wage_min > wage_max:
        raise RuleError("最低工资不得高于最高工资 / wage_min must not exceed wage_max")
