"""Rules a job posting (招聘岗位) must meet: gender-neutral wording, a lawful age range and a
positive wage range.

Each check raises ``RuleViolation`` with a bilingual message; the age limits are the
engine's (``matching.profiles``) so that a posting can never ask for an age the matching
would refuse.
"""
from __future__ import annotations

import re

from matching.profiles import MIN_WORKING_AGE, STATUTORY_MAX_AGE
from models.errors import RuleViolation

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


def check_gender_neutral(text: str | None) -> None:
    """Titles and descriptions must not restrict or prefer a gender (就业促进法 第二十七条)."""
    if text and _GENDER_WORDS.search(text):
        raise RuleViolation(GENDER_LAW_MESSAGE)


def check_age_range(age_min: int, age_max: int) -> None:
    """From the minimum working age up to the statutory retirement age, low end first."""
    if age_min < MIN_WORKING_AGE:
        raise RuleViolation(f"最低年龄不得小于{MIN_WORKING_AGE} / age_min must be at least {MIN_WORKING_AGE}",
                            field="age_min")
    if age_max > STATUTORY_MAX_AGE:
        raise RuleViolation(f"最高年龄不得超过法定退休年龄{STATUTORY_MAX_AGE} / age_max must not exceed "
                            f"the statutory limit {STATUTORY_MAX_AGE}", field="age_max")
    if age_min > age_max:
        raise RuleViolation("最低年龄不得大于最高年龄 / age_min must not exceed age_max", field="age_min")


def check_wage_range(wage_min: int, wage_max: int) -> None:
    """Both ends positive (yuan a month), the low end not above the high one."""
    if wage_min <= 0 or wage_max <= 0:
        raise RuleViolation("工资须为正数 / Wages must be positive")
    if wage_min > wage_max:
        raise RuleViolation("最低工资不得高于最高工资 / wage_min must not exceed wage_max", field="wage_min")
