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
    "alleviated": ("脱贫户", "脱贫人口", "脱贫劳动力", "建档立卡", "建档立卡户", "建档立卡贫困户", "脱贫", "已脱贫",
                   "脱贫享受政策户", "贫困户"),
    # 防返贫监测对象 and its three categories (监测户 of any kind counts as monitored).
    "monitored": ("监测对象", "防返贫监测对象", "监测户", "监测", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户",
                  "边缘户", "监测帮扶对象"),
    "none": ("一般", "无", "一般户", "一般农户", "非脱贫户", "普通农户", "农户", "否", "非贫困户"),
}
POVERTY_YES_NO = {
    # Under a 是否脱贫户/监测户 header a roster may write just 是/否; 是 counts as 脱贫户 unless the
    # header names only the monitored group (是否监测户). Named categories keep their meaning.
    "alleviated": ("是",), "none": ("否",),
}
EDUCATION_LABELS = {
    "none": ("未上学", "无", "文盲", "半文盲", "文盲或半文盲", "文盲半文盲", "不识字", "学龄前", "未受教育"),
    "primary": ("小学", "小学及以下", "小学文化", "完小"),
    "junior": ("初中", "初中及以下", "初中文化", "初级中学"),
    "senior": ("高中", "普通高中", "高中文化", "高中及以上"),
    "vocational": ("中专", "中职", "职高", "职业高中", "技校", "技工学校", "技工", "中技", "中专/技校", "中专及以上"),
    "college": ("大专", "专科", "高职", "大学专科", "大专及以上"),
    "bachelor": ("本科", "本科及以上", "大学本科", "大学", "研究生", "硕士", "硕士研究生", "博士"),
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
WORK_STATUS_LABELS = {
    # 务工状态 as rosters write it: (status, where) — where is a hint for the workplace when the
    # 务工地点 cell names no place: home county, the region, or outside it (unknown code).
    ("employed", None): ("已务工", "务工", "已就业", "就业", "在岗", "外出务工", "已外出务工", "灵活就业", "是"),
    ("employed", "outside"): ("区外务工", "省外务工", "外省务工", "区外就业", "省外就业", "跨省务工"),
    ("employed", "region"): ("区内务工", "省内务工", "区内就业", "区内县外务工", "县外区内务工"),
    ("employed", "home"): ("县内务工", "旗内务工", "本地务工", "就地就近务工", "就近务工", "县内就业", "旗内就业",
                           "公益性岗位", "帮扶车间", "乡村公益性岗位"),
    ("seeking", None): ("未务工", "未就业", "待业", "失业", "求职中", "无业", "否"),
    ("inactive", None): ("暂不求职", "不求职", "无劳动能力", "丧失劳动能力", "在校生", "在校学生"),
}
TRAINING_WISH_LABELS = {"yes": ("愿意参加培训",), "no": ("暂不需要培训",), "undecided": ("待定",)}
"""What an export writes for a 培训意愿 code entered without words (read back to the same code)."""
YES_NO = "是/否"


FIELD, CHECK, ROSTER, NOT_STORED = "field", "check", "roster", "not_stored"
"""What a column's value is for: a field of the API's schema; a cell cross-checked with the
ID number (性别, 出生日期); a roster fact the import turns into something (务工状态, 务工地点 …:
the job found outside the service); a column recognised but not stored (序号)."""


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    convert: cells.Converter
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    role: str = FIELD

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


def _with(labels: dict[str, tuple[str, ...]], extra: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {k: (*v, *extra.get(k, ())) for k, v in labels.items()}


_WORK_STATUS = cells.labelled({f"{k[0]}|{k[1] or ''}": v for k, v in WORK_STATUS_LABELS.items()})


def work_status(raw: Any) -> tuple[str, str | None]:
    """已务工 → (employed, None); 区内务工 → (employed, region); 未务工 → (seeking, None)."""
    try:
        status, where = _WORK_STATUS(raw).split("|")
    except cells.CellError:
        shown = "、".join(v[0] for v in WORK_STATUS_LABELS.values())
        raise cells.CellError(f"取值须为 {shown} 等 / Must be a work status such as 已务工, 未务工, "
                              "区外务工") from None
    return status, where or None


def sex(raw: Any) -> str:
    return cells.labelled(cells.SEX_LABELS)(raw)


POVERTY_HELP = ("可填 脱贫户、监测户（脱贫不稳定户、边缘易致贫户、突发严重困难户）、一般户；列名为“是否脱贫户/监测户”时"
                "可填 是/否（是 = 脱贫户）")
WORKER_SPEC = Spec("workers", "劳动力花名册", (
    Column("name", "姓名", "name", cells.name, True, help="必填"),
    Column("id_number", "身份证号", "id_number", cells.id_text, True,
           ("身份证号码", "公民身份号码", "公民身份证号码", "身份证", "身份证件号码", "证件号码", "id number", "id_no"),
           "必填；18位，整列单元格设为“文本”格式（数字格式会丢失末几位）"),
    Column("phone", "联系电话", "phone", cells.phone, False,
           ("手机号", "手机号码", "电话", "联系方式", "电话号码", "联系电话号码", "本人电话", "mobile"), "11位手机号"),
    Column("county_code", "户籍所在旗县", "county", cells.region("15"), False,
           ("county_code", "户籍地", "所在旗县", "旗县", "旗县区", "旗县（市、区）", "县区", "所属旗县"),
           "可不填：只管一个旗县的账号按本旗县登记，否则按身份证号的地区码；填写时为旗县名称（如 卓资县）或6位区划代码"),
    Column("township", "乡镇（苏木）", "township", cells.text, False,
           ("乡镇", "苏木乡镇", "乡镇苏木", "乡（镇）", "乡镇（街道）", "所在乡镇")),
    Column("village", "村（嘎查）", "village", cells.text, False,
           ("村", "嘎查村", "村嘎查", "村（居）", "行政村", "所在村", "村（社区）")),
    Column("poverty_status", "脱贫属性", "poverty_status", cells.labelled(POVERTY_LABELS), False,
           ("人员类别", "脱贫状态", "户类型", "农户类型", "户属性", "脱贫户/监测户"), POVERTY_HELP),
    Column("poverty_status", "是否脱贫户/监测户", "alleviated", cells.labelled(_with(POVERTY_LABELS, POVERTY_YES_NO)),
           False, ("是否脱贫户", "是否脱贫人口", "是否建档立卡户", "是否建档立卡", "是否为脱贫户", "是否脱贫劳动力",
                   "是否脱贫户或监测户", "是否为脱贫户/监测户", "是否脱贫人口/监测对象", "是否脱贫户（监测户）",
                   "是否脱贫户/监测对象")),
    Column("poverty_status", "是否监测户", "monitored",
           cells.labelled(_with(POVERTY_LABELS, {"monitored": ("是",), "none": ("否",)})),
           False, ("是否监测对象", "是否防返贫监测对象", "是否为监测户")),
    Column("sex", "性别", "sex", sex, False, ("性 别",), "可不填；填写时须与身份证号一致", CHECK),
    Column("birth_date", "出生日期", "birth_date", cells.birth_day, False, ("出生年月", "出生年月日"),
           "可不填；填写时须与身份证号一致", CHECK),
    Column("ethnicity", "民族", "ethnicity", cells.text),
    Column("languages", "语言", "languages", cells.labelled_list(LANGUAGE_LABELS), False,
           ("掌握语言",), "可填多项，用；分隔：" + _labels_help(LANGUAGE_LABELS)),
    Column("education", "文化程度", "education", cells.labelled(EDUCATION_LABELS), False,
           ("学历", "文化水平", "受教育程度", "最高学历"), _labels_help(EDUCATION_LABELS)),
    Column("skills", "技能", "skills", cells.skills, False, ("技能特长", "职业技能"),
           "可填多项，用；分隔，括号内写等级与是否持证，如 保安（中级，有证）；电工"),
    Column("preferred_occupations", "意向工种", "preferred_occupations", cells.occupations, False,
           ("求职意向", "意向职业"), "可填多项，用；分隔，如 保安员；家政服务员"),
    Column("work_experience", "从业经历", "work_experience", cells.work_experience, False,
           ("工作经验", "工作经历", "从业经验", "务工经历", "从业年限"),
           "可不填；工种+年限，可填多项，用；分隔，如 保安员3年；保洁员1.5年"),
    Column("destinations", "意向地区", "destinations", cells.labelled_list(DESTINATION_LABELS), False,
           ("意向就业地区", "外出意向", "就业意向地区", "意向务工地"), "可填多项：" + _labels_help(DESTINATION_LABELS)),
    Column("expected_monthly_wage", "期望月薪", "expected_monthly_wage", cells.integer, False,
           ("期望工资", "期望薪资", "期望收入"), "元/月，整数"),
    Column("needs_dormitory", "需要住宿", "needs_dormitory", cells.boolean, False, ("是否需要住宿",), YES_NO),
    Column("available_from", "可到岗日期", "available_from", cells.day, False, ("到岗日期",), "YYYY-MM-DD"),
    Column("status", "求职状态", "status", cells.labelled(STATUS_LABELS), False, (),
           _labels_help(STATUS_LABELS)),
    Column("work_status", "务工状态", "work_status", work_status, False,
           ("就业状态", "务工情况", "是否务工", "是否外出务工", "就业情况"),
           "已务工、区外务工、区内务工、县内务工（公益性岗位、帮扶车间）= 在岗；未务工 = 求职中", ROSTER),
    Column("workplace", "务工地点", "workplace", cells.text, False,
           ("务工地址", "就业地点", "务工地", "工作地点", "就业地区", "务工所在地"), "如 北京市朝阳区、呼和浩特市", ROSTER),
    Column("employer_name", "务工单位", "employer", cells.text, False,
           ("就业单位", "工作单位", "务工企业", "用工单位", "所在单位", "单位名称"), "", ROSTER),
    Column("monthly_income", "月收入", "monthly_income", cells.integer, False,
           ("月工资", "月均收入", "务工月收入", "月收入（元）", "工资收入"), "元/月，整数", ROSTER),
    Column("work_start", "外出务工时间", "work_start", cells.day_or_month, False,
           ("务工时间", "务工开始时间", "就业时间", "入职时间", "外出时间"), "YYYY-MM-DD 或 YYYY-MM", ROSTER),
    Column("seq", "序号", "no", cells.text, False, ("编号", "序"), "不导入", NOT_STORED),
    Column("training_wish", "培训意愿", "training_wish", cells.training_wish, False,
           ("培训需求", "是否有培训意愿", "是否愿意参加培训", "培训意向"),
           "是/否/待定，或想参加的培训（如 电焊、育婴员）；原文照存 / yes, no, undecided, or the course wanted"),
    Column("remark", "备注", "remark", cells.verbatim, False, ("说明", "备注说明"), "可填任意说明，照存 / any note"),
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
