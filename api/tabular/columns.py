"""The roster columns of workers and postings: Chinese and English headers, converters, help.

The first Chinese label of each code is the one written on export, so an exported sheet
reads like a county roster (花名册) and the labels round-trip through import.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from api.tabular import cells
from seed.taxonomy import normalize

POVERTY_LABELS = {
    "alleviated": ("脱贫户", "脱贫人口", "脱贫劳动力", "建档立卡", "建档立卡户", "脱贫"),
    "monitored": ("监测对象", "防返贫监测对象", "监测户", "监测"),
    "none": ("一般", "无", "一般户", "一般农户", "非脱贫户", "否"),
}
EDUCATION_LABELS = {
    "none": ("未上学", "无", "文盲", "不识字"),
    "primary": ("小学",),
    "junior": ("初中",),
    "senior": ("高中",),
    "vocational": ("中专", "中职", "职高", "技校", "中专/技校"),
    "college": ("大专", "专科", "高职", "大学专科"),
    "bachelor": ("本科", "本科及以上", "大学本科", "研究生", "硕士", "博士"),
}
DESTINATION_LABELS = {
    "home_county": ("本县", "本旗", "本旗县", "县内", "旗内", "就近", "家门口"),
    "in_region": ("区内", "自治区内", "省内", "内蒙古"),
    "beijing": ("北京", "北京市"),
    "other": ("外省", "区外", "省外", "其他省份", "其他"),
}
LANGUAGE_LABELS = {
    "zh": ("汉语", "普通话", "中文"),
    "mn": ("蒙古语", "蒙语"),
    "en": ("英语",),
    "other": ("其他语言", "其他"),
}
STATUS_LABELS = {
    "seeking": ("求职中", "待业", "未就业"),
    "employed": ("已就业", "在岗"),
    "inactive": ("暂不求职", "不求职"),
}
YES_NO = "是/否"


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    convert: cells.Converter
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""

    def spellings(self) -> tuple[str, ...]:
        return (self.zh, self.en, self.field, *self.aliases)


@dataclass(frozen=True)
class Spec:
    """A sheet layout: its columns in template order."""

    kind: str
    title: str
    columns: tuple[Column, ...]
    by_header: dict[str, Column] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        index = {header_key(s): c for c in self.columns for s in c.spellings()}
        object.__setattr__(self, "by_header", index)

    def column(self, header: Any) -> Column | None:
        return self.by_header.get(header_key(header)) if header is not None else None

    def by_field(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name), None)


def header_key(header: Any) -> str:
    """'姓名*', ' 期望月薪（元）', 'Expected_Monthly_Wage' all fold to one key."""
    text = normalize(cells.as_text(header)).rstrip("*").strip()
    for unit in ("(元)", "（元）", "(月)", "（月）", "(元/月)", "（元/月）"):
        text = text.removesuffix(normalize(unit)).strip()
    return text


def first_label(labels: dict[str, tuple[str, ...]]) -> Callable[[Any], str]:
    return lambda code: labels.get(code, (code,))[0] if code is not None else ""


CODES_HELP = ("职业与技能代码 codes", "", "",
              "工种、技能的名称或代码可查询：GET /api/v1/occupations?q=保洁 ，GET /api/v1/skills?q=电焊 "
              "/ look codes up at GET /api/v1/occupations?q= and GET /api/v1/skills?q=")
"""The help sheet's last row: where the accepted occupation and skill spellings are listed."""


def _labels_help(labels: dict[str, tuple[str, ...]]) -> str:
    return "；".join(f"{v[0]}（{k}）" for k, v in labels.items())


WORKER_SPEC = Spec("workers", "劳动力花名册", (
    Column("name", "姓名", "name", cells.text, True),
    Column("id_number", "身份证号", "id_number", cells.id_text, True,
           ("身份证号码", "公民身份号码", "身份证", "id number", "id_no"), "18位，单元格设为文本"),
    Column("phone", "联系电话", "phone", cells.text, True, ("手机号", "手机号码", "电话", "mobile"), "11位手机号"),
    Column("county_code", "户籍所在旗县", "county", cells.region("15"), True,
           ("county_code", "户籍地", "所在旗县", "旗县", "旗县区"), "旗县名称（如 卓资县）或6位区划代码"),
    Column("township", "乡镇（苏木）", "township", cells.text, False, ("乡镇", "苏木乡镇", "乡镇苏木")),
    Column("village", "村（嘎查）", "village", cells.text, False, ("村", "嘎查村", "村嘎查")),
    Column("poverty_status", "脱贫属性", "poverty_status", cells.labelled(POVERTY_LABELS), True,
           ("人员类别", "脱贫状态"), _labels_help(POVERTY_LABELS)),
    Column("ethnicity", "民族", "ethnicity", cells.text),
    Column("languages", "语言", "languages", cells.labelled_list(LANGUAGE_LABELS), False,
           ("掌握语言",), "可填多项，用；分隔：" + _labels_help(LANGUAGE_LABELS)),
    Column("education", "文化程度", "education", cells.labelled(EDUCATION_LABELS), True,
           ("学历",), _labels_help(EDUCATION_LABELS)),
    Column("skills", "技能", "skills", cells.skills, False, ("技能特长", "职业技能"),
           "可填多项，用；分隔，括号内写等级与是否持证，如 保安（中级，有证）；电工"),
    Column("preferred_occupations", "意向工种", "preferred_occupations", cells.occupations, False,
           ("求职意向", "意向职业"), "可填多项，用；分隔，如 保安员；家政服务员"),
    Column("destinations", "意向地区", "destinations", cells.labelled_list(DESTINATION_LABELS), True,
           ("意向就业地区", "外出意向"), "可填多项：" + _labels_help(DESTINATION_LABELS)),
    Column("expected_monthly_wage", "期望月薪", "expected_monthly_wage", cells.integer, True,
           ("期望工资", "期望薪资"), "元/月，整数"),
    Column("needs_dormitory", "需要住宿", "needs_dormitory", cells.boolean, False, ("是否需要住宿",), YES_NO),
    Column("available_from", "可到岗日期", "available_from", cells.day, False, ("到岗日期",), "YYYY-MM-DD"),
    Column("status", "求职状态", "status", cells.labelled(STATUS_LABELS), False, (),
           _labels_help(STATUS_LABELS)),
))

POSTING_SPEC = Spec("postings", "招聘岗位", (
    Column("employer_id", "用人单位编号", "employer_id", cells.integer, False, ("用人单位id", "单位编号"),
           "管理员导入时必填；用人单位导入时可不填"),
    Column("title", "岗位名称", "title", cells.text, True, ("招聘岗位", "职位")),
    Column("occupation_code", "工种", "occupation", cells.occupation, True,
           ("occupation_code", "职业", "职业工种"), "工种名称（如 保安员）或职业大典代码"),
    Column("district_code", "工作地区县", "district", cells.region(None, prefer=("11", "15")), True,
           ("district_code", "工作区县", "工作地点区县"), "区县名称（如 朝阳区，优先北京）或6位区划代码"),
    Column("address", "工作地址", "address", cells.text, True, ("详细地址", "地址")),
    Column("openings", "招聘人数", "openings", cells.integer, True, ("人数",)),
    Column("wage_min", "最低月薪", "wage_min", cells.integer, True, ("月薪下限",), "元/月"),
    Column("wage_max", "最高月薪", "wage_max", cells.integer, True, ("月薪上限",), "元/月"),
    Column("description", "岗位描述", "description", cells.text, False, ("岗位职责", "描述")),
    Column("provides_dormitory", "提供住宿", "provides_dormitory", cells.boolean, False, ("包住",), YES_NO),
    Column("provides_meals", "提供餐食", "provides_meals", cells.boolean, False, ("包吃",), YES_NO),
    Column("social_insurance", "缴纳社保", "social_insurance", cells.boolean, False, ("社保",), YES_NO),
    Column("age_min", "最低年龄", "age_min", cells.integer, False, ("年龄下限",)),
    Column("age_max", "最高年龄", "age_max", cells.integer, False, ("年龄上限",)),
    Column("education_min", "最低学历", "education_min", cells.labelled(EDUCATION_LABELS), False,
           ("学历要求",), _labels_help(EDUCATION_LABELS)),
    Column("required_skills", "技能要求", "required_skills", cells.required_skills, False, ("必备技能",),
           "如 保安（中级，有证）：括号内为最低等级与是否须持证"),
    Column("preferred_skills", "优先技能", "preferred_skills", cells.skill_codes, False, ("加分技能",)),
    Column("languages", "语言要求", "languages", cells.labelled_list(LANGUAGE_LABELS), False),
    Column("contract_months", "合同期限", "contract_months", cells.integer, False, ("合同期限(月)",), "月"),
    Column("start_date", "开始日期", "start_date", cells.day, False, ("到岗日期",), "YYYY-MM-DD"),
    Column("expires_on", "截止日期", "expires_on", cells.day, True, ("招聘截止日期",), "YYYY-MM-DD"),
))
SPECS = {s.kind: s for s in (WORKER_SPEC, POSTING_SPEC)}
