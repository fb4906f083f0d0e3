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


REGION_PART, DATE_PART, SEQUENCE_PART, CHECK_PART = ("地区码（第1–6位）", "出生日期（第7–14位）",
                                                   "顺序码（第15–17位）", "校验位（第18位）")
"""The parts of a resident ID number, as the messages name them."""
_EXCEL_ZEROS = ("末3位是000：像是被Excel存成了数字（只保留15位有效数字，末几位变成0），请将该列设为“文本”格式后重新"
                "填写 / The last 3 digits are 000: Excel stored the number as a number (15 significant digits); "
                "store the column as text and enter the numbers again")


def _shape_error(number: str) -> str | None:
    """Which part of a number that is not 17 digits and a check character is wrong, in words a
    clerk can act on (a 15-digit first-generation number, a masked copy, a letter at place N)."""
    if number and set(number) <= {"0"}:
        return "身份证号全是0：这是占位值，不是身份证号 / The ID number is all zeros: a placeholder, not a number"
    if "*" in number:
        return ("身份证号含有*：这是打码后的号码，请填写完整号码 / The ID number contains *: it is a masked copy; enter "
                "the full number")
    if len(number) == 15 and number.isdigit():
        return ("这是15位的第一代身份证号，请填写18位的第二代号码 / A 15-digit first-generation number: a resident "
                "ID number now has 18 characters")
    if len(number) != 18:
        if len(number) < 18:
            return (f"身份证号只有{len(number)}位，少了{18 - len(number)}位（应为18位） / The ID number has "
                    f"{len(number)} characters, {18 - len(number)} too few: it has 18 characters")
        return (f"身份证号有{len(number)}位，多了{len(number) - 18}位（应为18位） / The ID number has {len(number)} "
                f"characters, {len(number) - 18} too many: it has 18 characters")
    for at, ch in enumerate(number[:17], start=1):
        if not (ch.isascii() and ch.isdigit()):
            part = REGION_PART if at <= 6 else DATE_PART if at <= 14 else SEQUENCE_PART
            kind = "字母" if ch.isascii() and ch.isalpha() else "字符"
            kind_en = "a letter" if ch.isascii() and ch.isalpha() else "a character"
            return (f"第{at}位是{kind}“{ch}”（{part}只能是数字；只有第18位校验位可以是X） / Character {at} is {kind_en} "
                    f"({ch!r}): only digits there; only the 18th, the check character, may be X")
    if not (number[-1].isdigit() or number[-1] == "X"):
        return (f"第18位“{number[-1]}”不是数字或X（{CHECK_PART}） / The 18th character, the check character, "
                "must be a digit or X")
    return None


def check_id_number(value: str, *, today: date) -> tuple[str, date, str]:
    """Validate a resident ID as it was issued (18 chars, check character, real birth date,
    a region code GB/T 2260 lists — current or retired, whatever the birth year).

    python-stdnum's ``cn.ric`` also requires the region code to have been in force in the
    birth year; that refuses most adults of re-coded counties (卓资县 150921 exists since 2003)
    and is not how numbers were issued, so only the code's existence is checked here.
    Each refusal names the part that is wrong (length, a character, 地区码, 出生日期, 校验位).
    Returns ``(normalised, birth_date, sex)``; sex is ``M`` for an odd sequence digit.
    """
    number = normalize_id_number(value)
    if (shape := _shape_error(number)) is not None:
        raise RuleViolation(shape)
    if number.startswith("0"):
        raise RuleViolation("身份证号以0开头：地区码（第1–6位）不能以0开头，号码前面可能被补了0 / The ID number "
                            "starts with 0: no region code does; zeros were probably padded in front")
    if number[-1] != ric.calc_check_digit(number):
        if number.endswith("000"):
            raise RuleViolation(_EXCEL_ZEROS)
        raise RuleViolation(f"身份证号{CHECK_PART}错误：号码中有位数抄错了，请核对 / The ID number's check character "
                            "is wrong: a digit was probably mistyped")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_exc.ValidationError:
        raise RuleViolation(f"身份证号中的{DATE_PART}“{number[6:14]}”不存在 / The ID number's birth date "
                            "is not a real date (characters 7–14)") from None
    if birth > today:
        raise RuleViolation(f"身份证号的{DATE_PART}{birth.isoformat()}在未来 / The ID number's birth date is in the future")
    if not gbt2260.can_issue_ids(number[:6]):
        raise RuleViolation(f"身份证号的{REGION_PART}“{number[:6]}”在 GB/T 2260 中从未设立 / The ID number's region "
                            f"code never existed in GB/T 2260 ({number[:6]})")
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
