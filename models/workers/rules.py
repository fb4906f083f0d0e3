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

TRAINING_WISHES = ("yes", "no", "undecided")
"""培训意愿 as a bureau reports it: wants training, does not, not yet decided. The roster's own
words are kept beside it (``training_wish_text``): a course named there (电焊, 育婴员) is the
wish itself."""
_TRAINING_WORDS = {
    "yes": ("是", "有", "愿意", "想", "想参加", "要", "需要", "参加", "愿参加", "有意愿", "有培训意愿", "希望参加", "y",
            "yes"),
    "no": ("否", "无", "没有", "不", "不愿意", "不想", "不需要", "不参加", "暂无", "暂不", "暂不需要", "无意愿",
           "无培训意愿", "n", "no"),
    "undecided": ("待定", "未定", "不确定", "考虑", "考虑中", "再说", "说不好", "不清楚"),
}
_TRAINING_INDEX = {unicodedata.normalize("NFKC", w).casefold(): code
                   for code, words in _TRAINING_WORDS.items() for w in words}
_NEGATIONS = ("不", "无", "没", "暂不", "否")


def training_wish_of(text: str | None) -> str | None:
    """The ``TRAINING_WISHES`` code a 培训意愿 text says: 是/愿意 → yes, 否/暂不需要 → no, 待定 → undecided;
    a course or trade named without a negation (电焊培训, 想学厨师) → yes; empty → None."""
    words = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()
    if not words:
        return None
    if words in _TRAINING_INDEX:
        return _TRAINING_INDEX[words]
    return "no" if words.startswith(_NEGATIONS) else "yes"


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
