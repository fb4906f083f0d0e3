"""Rules a worker's registration must meet: the resident ID number (居民身份证号码), the
minimum working age and a mainland mobile number.

Each check raises ``RuleViolation`` with a bilingual message (Chinese / English); the
schemas turn it into a field error, the roster import into a row error. The age limits
and the age formula live in ``matching.profiles`` because the engine needs them too.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric

from matching.profiles import MIN_WORKING_AGE, age_on
from models.errors import RuleViolation

_PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalize_id_number(value: str) -> str:
    """The ID number without spaces or dashes, check character ``X`` upper-case."""
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
        raise RuleViolation("身份证号应为18位 / A resident ID number has 18 characters") from None
    except stdnum_exc.InvalidChecksum:
        raise RuleViolation("身份证号校验位错误 / The ID number's check character is wrong") from None
    except stdnum_exc.InvalidComponent:
        raise RuleViolation("身份证号的出生日期或地区码无效 / The ID number has an invalid birth date or region") from None
    except stdnum_exc.ValidationError:
        raise RuleViolation("身份证号格式错误 / The ID number is malformed") from None
    birth = ric.get_birth_date(number)
    if birth > today:
        raise RuleViolation("身份证号的出生日期在未来 / The ID number's birth date is in the future")
    return number, birth, "M" if int(number[16]) % 2 else "F"


def check_working_age(birth: date, *, today: date) -> None:
    """Nobody under the minimum working age may register as seeking work (劳动法)."""
    if age_on(birth, today) < MIN_WORKING_AGE:
        raise RuleViolation(f"未满{MIN_WORKING_AGE}周岁，不得登记求职 / Under the minimum working age of {MIN_WORKING_AGE}")


def check_phone(value: str) -> str:
    """An 11-digit mainland mobile number (spaces, dashes and ``+86`` dropped); returns it."""
    phone = re.sub(r"[\s-]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE.match(phone):
        raise RuleViolation("手机号应为11位大陆手机号码 / Must be an 11-digit mainland mobile number")
    return phone
