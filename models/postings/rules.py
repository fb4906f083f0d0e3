"""Rules a job posting (招聘岗位) must meet: lawful wording (no gender, ethnic, 户籍 or
marital/childbearing restriction), a lawful age range and a positive wage range.

The wordings refused in titles, descriptions and imported rows (tests/postings/test_posting_rules.py
lists examples of each, and wordings that must pass):

- gender (就业促进法 第二十七条): 限男, 仅招男士, 要求男士, 男性优先, a gendered title (男保安, 女服务员),
  "male candidates only", "women preferred";
- ethnicity (第二十八条): 限汉族, 仅限蒙古族, X族优先;
- household registration (第三十一条): 限本地户口, 北京户口优先, 不招农村户口;
- marital or childbearing status (第二十七条; 妇女权益保障法 第四十三条): 已婚, 未婚, 已育, 未育,
  已婚已育, 婚育, 限未婚, 未婚者优先, 单身, 不招孕妇, "single only", "unmarried", "no children" —
  but not 婚育不限, 已婚未婚均可, 单身宿舍 or 可提供夫妻房.

Each check raises ``RuleViolation`` with a bilingual message; the age limits are the
engine's (``matching.profiles``) so that a posting can never ask for an age the matching
would refuse.
"""
from __future__ import annotations

import re

from matching.profiles import MIN_WORKING_AGE, STATUTORY_MAX_AGE
from models.errors import RuleViolation

_NOT_BOTH = r"(?!女|男|士不限|性不限|女不限|女均可)"
_GENDER_WORDS = re.compile(
    r"(限男|限女|仅限男|仅限女|只招男|只招女|男性优先|女性优先|男士优先|女士优先|男优先|女优先"
    r"|招男工|招女工|男性|女性"
    # 仅招男士, 要求男士, 只要女生 — but not 男女不限 / 男女均可
    r"|(?:仅|只|限|要求|只要|仅限|只限)[招收要]?(?:男|女)" + _NOT_BOTH +
    # a gendered job title: 男保安（门岗）, 女服务员
    r"|(?:男|女)(?:保安|保洁|服务员|司机|护工|工人|普工|技工|厨师|店员|营业员|保姆|快递员|骑手|操作工|焊工|电工|门卫|搬运工)"
    r"|\b(?:fe)?males? (?:candidates?|applicants?|workers?|staff)? ?only\b|\bonly (?:fe)?males?\b"
    r"|\b(?:wo)?men only\b|\bonly (?:wo)?men\b"
    r"|\bmales? preferred\b|\bfemales? preferred\b|\bmen preferred\b|\bwomen preferred\b)",
    re.IGNORECASE,
)
_ETHNIC_WORDS = re.compile(r"(?:限|仅限|只招|只限|要求|仅招|只要)[\u4e00-\u9fff]{1,4}族|[\u4e00-\u9fff]{1,4}族优先(?!.{0,2}不限)")
_HUKOU_WORDS = re.compile(
    r"(?:限|仅限|只招|只限|要求|仅招|只要)(?:本地|北京|京籍|城镇|本市|非农业?)(?:户口|户籍|人员)?"
    r"|(?:本地|北京|京籍|城镇|本市)(?:户口|户籍)(?:优先|者优先)"
    r"|(?:不招|不要|谢绝)(?:农村|外地|农业)(?:户口|户籍|人员)?")
_STATUS = r"(?:已婚|未婚|已育|未育|已生育|未生育|无子女|婚育|离异|单身(?!宿舍|公寓|间|房))"
_MARITAL_WORDS = re.compile(
    # 已婚已育, 未婚, 限未婚, 婚育 — unless the same phrase says it does not matter (婚育不限, 已婚未婚均可)
    # or offers a benefit (已婚可提供夫妻房)
    _STATUS + r"(?![^，。；,;.]{0,6}(?:不限|均可|皆可|都可|夫妻房))"
    r"|(?:不招|不要|谢绝|不接受|拒收)(?:孕妇|孕期|怀孕|哺乳期|备孕|已婚|未婚|已育|未育)"
    r"|(?:孕妇|孕期|怀孕|备孕|哺乳期)(?:者|人员|女性)?(?:勿扰|免谈|不招|不要|除外)"
    r"|\b(?:single|unmarried|married)(?: (?:candidates?|applicants?|women|men|persons?|people))? only\b"
    r"|\bonly (?:single|unmarried|married)\b|\bmust be (?:single|unmarried|married)\b"
    r"|\b(?:single|unmarried|married|childless)(?: (?:candidates?|applicants?))? preferred\b"
    r"|\bno (?:children|kids)\b|\bnot pregnant\b|\bno pregnan(?:t|cy)\b",
    re.IGNORECASE,
)
GENDER_LAW_MESSAGE = (
    "根据《就业促进法》第二十七条，招聘不得限定或优先某一性别 / Under the Employment Promotion "
    "Law (Art. 27) a job posting must not restrict or prefer a gender"
)
ETHNIC_LAW_MESSAGE = (
    "根据《就业促进法》第二十八条，招聘不得因民族设置限制或优先 / Under the Employment Promotion "
    "Law (Art. 28) a job posting must not restrict or prefer an ethnicity"
)
HUKOU_LAW_MESSAGE = (
    "根据《就业促进法》第三十一条，不得对农村劳动者进城就业设置户籍限制 / Under the Employment "
    "Promotion Law (Art. 31) a job posting must not restrict by household registration (户籍)"
)

MARITAL_LAW_MESSAGE = (
    "根据《就业促进法》第二十七条和《妇女权益保障法》第四十三条，招聘不得以婚姻、生育状况设置限制或优先 / "
    "Under the Employment Promotion Law (Art. 27) and the Law on the Protection of Women's Rights and "
    "Interests (Art. 43) a job posting must not restrict or prefer by marital or childbearing status"
)


def check_gender_neutral(text: str | None) -> None:
    """Titles and descriptions must not restrict or prefer a gender (就业促进法 第二十七条),
    however it is worded: 限男, 仅招男士, a gendered title such as 男保安, "male only"."""
    if text and _GENDER_WORDS.search(text):
        raise RuleViolation(GENDER_LAW_MESSAGE)


def check_lawful_wording(text: str | None) -> None:
    """No gender (第二十七条), ethnic (第二十八条), household-registration (第三十一条) or
    marital/childbearing (第二十七条, 妇女权益保障法 第四十三条) restriction or preference in a
    posting's title or description."""
    check_gender_neutral(text)
    if text and _MARITAL_WORDS.search(text):
        raise RuleViolation(MARITAL_LAW_MESSAGE)
    if text and _ETHNIC_WORDS.search(text):
        raise RuleViolation(ETHNIC_LAW_MESSAGE)
    if text and _HUKOU_WORDS.search(text):
        raise RuleViolation(HUKOU_LAW_MESSAGE)


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
