"""Load GB/T 2260 regions (from python-stdnum) and the pairings named in DOMAIN.md."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import gbt2260
from models.reference.regions import Pairing, Region

# (Beijing district, Inner Mongolia county, since) — as named in published reports.
PAIRINGS: tuple[tuple[str, str, date | None], ...] = (
    ("110101", "152202", None),            # 东城区 ↔ 阿尔山市
    ("110105", "150921", date(2016, 1, 1)),  # 朝阳区 ↔ 卓资县, since 2016
    ("110114", "152527", None),            # 昌平区 ↔ 太仆寺旗
    ("110114", "150425", None),            # 昌平区 ↔ 克什克腾旗
    ("110106", "150424", None),            # 丰台区 ↔ 林西县
    ("110108", "150430", None),            # 海淀区 ↔ 敖汉旗
    ("110112", "150426", None),            # 通州区 ↔ 翁牛特旗
    ("110117", "150923", None),            # 平谷区 ↔ 商都县
    ("110116", "150929", None),            # 怀柔区 ↔ 四子王旗
    ("110111", "150927", None),            # 房山区 ↔ 察哈尔右翼中旗
    ("110119", "150924", None),            # 延庆区 ↔ 兴和县
)


def load_regions(session: Session) -> int:
    """Insert every current division not yet present; returns how many were added."""
    existing = set(session.scalars(select(Region.code)))
    current = [d for d in gbt2260.divisions().values() if d.current and d.code not in existing]
    # Parents first, so the self-referencing foreign key is always satisfied.
    order = {"province": 0, "prefecture": 1, "county": 2}
    current.sort(key=lambda d: (order[d.level], d.code))
    known = existing | {d.code for d in current}
    session.add_all(
        Region(code=d.code, name=d.name, level=d.level,
               parent_code=d.parent_code if d.parent_code in known else None)
        for d in current
    )
    session.flush()
    return len(current)


def load_pairings(session: Session) -> int:
    existing = set(session.execute(select(Pairing.district_code, Pairing.county_code)).all())
    new = [Pairing(district_code=d, county_code=c, since=s) for d, c, s in PAIRINGS if (d, c) not in existing]
    session.add_all(new)
    session.flush()
    return len(new)
