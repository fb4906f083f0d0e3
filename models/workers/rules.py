"""Rules a worker's registration must meet: the resident ID number (居民身份证号码), the
minimum working age and a mainland mobile number.

Each check raises ``RuleViolation`` with a bilingual message (Chinese / English); the
schemas turn it into a field error, the roster import into a row error. The age limits
and the age formula live in ``matching.profiles`` because the engine needs them too.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric

from matching.profiles import MIN_WORKING_AGE, age_on
from models.errors import RuleViolation
from models.reference import gbt2260

_PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalize_id_number(value: str) -> str:
    """Full-width digits and ｘ become ASCII (NFKC), white space anywhere goes, x becomes X:
    numbers typed by hand or pasted from a roster carry all three."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


def check_id_number(value: str, *, today: date) -> tuple[str, date, str]:
    """Validate a resident ID as it was issued (18 chars, check character, real birth date,
    a region code GB/T 2260 lists — current or retired, whatever the birth year).

    python-stdnum's ``cn.ric`` also requires the region code to have been in force in the
    birth year; that refuses most adults of re-coded counties (卓资县 150921 exists since 2003)
    and is not how numbers were issued, so only the code's existence is checked here.
    Returns ``(normalised, birth_date, sex)``; sex is ``M`` for an odd sequence digit.
    """
    number = normalize_id_number(value)
    if len(number) != 18:
        raise RuleViolation("身份证号应为18位 / A resident ID number has 18 characters")
    if not number[:-1].isdigit() or not number[:-1].isascii() or not (number[-1].isdigit() or number[-1] == "X"):
        raise RuleViolation("身份证号格式错误 / The ID number is malformed")
    if number[-1] != ric.calc_check_digit(number):
        raise RuleViolation("身份证号校验位错误 / The ID number's check character is wrong")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_exc.ValidationError:
        raise RuleViolation("身份证号中的出生日期不存在 / The ID number's birth date is not a real date") from None
    if birth > today:
        raise RuleViolation("身份证号的出生日期在未来 / The ID number's birth date is in the future")
    if not gbt2260.can_issue_ids(number[:6]):
        raise RuleViolation("身份证号的地区码在 GB/T 2260 中从未设立 / The ID number's region code never "
                            "existed in GB/T 2260")
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
