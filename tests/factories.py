"""Valid test data: resident IDs, USCCs and request payloads."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from stdnum.cn import ric, uscc

from models import clock

ZHUOZI = "150921"   # 卓资县, paired with 朝阳区
AOHAN = "150430"    # 敖汉旗, paired with 海淀区
CHAOYANG = "110105"
HAIDIAN = "110108"
SECURITY = "4-07-05-01"


def id_number(county: str = ZHUOZI, birth: date = date(2004, 5, 17), seq: int = 123) -> str:
    """A valid 18-character resident ID (the region must be valid at the birth date)."""
    body = f"{county}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def uscc_code(serial: int = 1, district: str = CHAOYANG) -> str:
    body = f"91{district}MA{serial:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def worker_payload(seq: int = 123, county: str = ZHUOZI, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "张三",
        "id_number": id_number(county if county in (ZHUOZI, AOHAN) else ZHUOZI, seq=seq),
        "phone": f"138{seq:08d}",
        "county_code": county,
        "township": "卓资山镇",
        "village": "东滩村",
        "poverty_status": "alleviated",
        "ethnicity": "汉族",
        "languages": ["zh"],
        "education": "junior",
        "skills": [{"code": "security", "level": 2, "certified": True}],
        "preferred_occupations": [SECURITY],
        "destinations": ["in_region", "beijing"],
        "expected_monthly_wage": 5000,
        "needs_dormitory": True,
    }
    data.update(overrides)
    return data


def employer_payload(serial: int = 1, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "北京望京物业管理有限公司",
        "uscc": uscc_code(serial),
        "district_code": CHAOYANG,
        "industry": "物业管理",
        "contact_name": "李经理",
        "contact_phone": "13900001111",
    }
    data.update(overrides)
    return data


def posting_payload(employer_id: int | None = None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "小区保安",
        "occupation_code": SECURITY,
        "district_code": CHAOYANG,
        "address": "北京市朝阳区望京街道",
        "openings": 5,
        "wage_min": 5500,
        "wage_max": 6500,
        "provides_dormitory": True,
        "provides_meals": True,
        "social_insurance": True,
        "age_min": 18,
        "age_max": 50,
        "education_min": "junior",
        "required_skills": [{"code": "security", "min_level": 1, "certificate_required": False}],
        "languages": ["zh"],
        "contract_months": 12,
        "expires_on": (clock.today() + timedelta(days=60)).isoformat(),
    }
    if employer_id is not None:
        data["employer_id"] = employer_id
    data.update(overrides)
    return data


def seed_world(app, *, workers: int, postings: int, seed: int, as_of: date):  # noqa: ANN001, ANN201
    """A synthetic world (seed.world) in the app's database, committed; returns the app's session factory."""
    from api.config import Config
    from seed.world import generate_world

    with app.extensions["jm.sessions"]() as session:
        generate_world(session, app.extensions["jm.vault"], workers=workers, postings=postings, seed=seed,
                       as_of=as_of, min_wage=Config.BEIJING_MIN_WAGE, list_size=Config.RECOMMENDATIONS_PER_WORKER,
                       checkpoint=session.commit)
        session.commit()
    return app.extensions["jm.sessions"]
