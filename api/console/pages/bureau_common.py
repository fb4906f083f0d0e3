"""What the bureau pages share: the labels of the API's vocabularies (Chinese first) and the
skills typed as text. No routes here."""
from __future__ import annotations

from typing import Any

from api.console.frame import t

POVERTY = {"alleviated": ("脱贫人口", "Lifted out of poverty"), "monitored": ("监测对象", "Monitored"),
           "none": ("一般", "Neither")}
EDUCATION = {"none": ("未上学", "None"), "primary": ("小学", "Primary"), "junior": ("初中", "Junior secondary"),
             "senior": ("高中", "Senior secondary"), "vocational": ("中专/技校", "Vocational"),
             "college": ("大专", "College"), "bachelor": ("本科及以上", "Bachelor or higher")}
TRAINING = {"yes": ("有培训意愿", "Wants training"), "no": ("无培训意愿", "No training wanted"),
            "undecided": ("待定", "Undecided")}
"""培训意愿 (``training_wish``; the roster's own words are kept in ``training_wish_text``)."""
DESTINATIONS = {"home_county": ("本县", "Home county"), "in_region": ("区内", "In the region"),
                "beijing": ("北京", "Beijing"), "other": ("其他省份", "Other provinces")}
LANGUAGES = {"zh": ("普通话", "Mandarin"), "mn": ("蒙古语", "Mongolian"), "en": ("英语", "English"),
             "other": ("其他", "Other")}
WORKER_STATUS = {"seeking": ("求职中", "Seeking"), "employed": ("已就业", "Employed"),
                 "inactive": ("暂不求职", "Inactive")}
APPLICATION_STATE = {"referred": ("已推荐", "Referred"), "interviewing": ("面试中", "Interviewing"),
                     "hired": ("已录用", "Hired"), "rejected": ("未录用", "Rejected"),
                     "withdrawn": ("已退出", "Withdrawn")}
DECLINE_REASON = {"lacking_skills": ("技能不符", "Lacking skills"), "wage_too_low": ("工资太低", "Wage too low"),
                  "too_far": ("路途太远", "Too far"), "hired_elsewhere": ("已在别处就业", "Hired elsewhere"),
                  "did_not_attend": ("未参加面试", "Did not attend"),
                  "dormitory_unavailable": ("无宿舍", "No dormitory"), "family": ("家庭原因", "Family"),
                  "health": ("健康原因", "Health"), "other": ("其他", "Other")}
CONTRACT_TYPE = {"fixed_term": ("固定期限", "Fixed term"), "open_ended": ("无固定期限", "Open-ended"),
                 "task_based": ("以完成一定任务为期限", "Task-based"), "dispatch": ("劳务派遣", "Dispatch"),
                 "none": ("无合同", "No contract")}
CLAIM_STATE = {"eligible": ("待审核", "To review"), "approved": ("已批准", "Approved"),
               "rejected": ("已驳回", "Rejected"), "paid": ("已发放", "Paid")}
EVIDENCE = {"labour_contract": ("劳动合同", "Labour contract"),
            "bank_wage_records_3m": ("3个月银行工资流水", "3 months of bank wage records"),
            "stamped_payroll": ("盖章工资表", "Stamped payroll"),
            "employer_certificate_uscc": ("用人单位证明（含统一社会信用代码）", "Employer certificate with its USCC"),
            "social_insurance_certificate": ("社保缴纳证明", "Social-insurance certificate"),
            "village_certificate": ("村书记和驻村第一书记证明", "Village secretary's certificate")}
TRACKING = {"active": ("在岗", "Active"), "at_risk": ("有风险", "At risk"), "ended": ("已离职", "Ended")}
PROFILE_FIELDS = {"phone": ("手机号", "mobile"), "poverty_status": ("脱贫状态", "poverty status"),
                  "education": ("文化程度", "education"), "destinations": ("可接受的工作地", "accepted workplaces"),
                  "expected_monthly_wage": ("期望月薪", "expected wage")}
"""The fields a 待完善 (incomplete) profile may lack (``models.workers.service.MATCHING_FIELDS``)."""
PAYEE = {"worker": ("劳动者本人", "The worker"), "employer": ("用人单位", "The employer")}


def label(vocabulary: dict[str, tuple[str, str]], key: str | None) -> str:
    if key is None:
        return "—"
    return t(*vocabulary[key]) if key in vocabulary else key


def missing(fields: list[str]) -> str:
    """``["phone", "education"]`` → ``手机号、文化程度`` (the clerk's words for what to fill in)."""
    return t("、", ", ").join(label(PROFILE_FIELDS, f) for f in fields)


def options(vocabulary: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, t(*v)) for k, v in vocabulary.items()]


def skills_from_text(text: str) -> list[dict[str, Any]]:
    """``security:2:证, cook`` → skill items (code, level, certified) for ``WorkerSkillSchema``:
    one skill a comma or line, level and a certificate mark optional."""
    items = []
    for part in text.replace("，", ",").replace("\r", "\n").replace("\n", ",").split(","):
        bits = [b.strip() for b in part.replace("：", ":").split(":")]
        if not bits[0]:
            continue
        item: dict[str, Any] = {"code": bits[0]}
        if len(bits) > 1 and bits[1]:
            item["level"] = bits[1]
        if len(bits) > 2 and bits[2]:
            item["certified"] = bits[2].lower() in ("证", "1", "true", "yes", "certified", "c", "y")
        items.append(item)
    return items


def skills_to_text(skills: list[dict[str, Any]]) -> str:
    return ", ".join(f"{s['code']}:{s.get('level', 1)}{':证' if s.get('certified') else ''}" for s in skills)
