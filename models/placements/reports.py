"""Reports on placements: the new-employment table (新增就业) and retention (稳岗率).

Both count by the county and poverty status snapshotted on the placement at hiring, so a
worker who moves or is erased later still counts where and as they were.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import gbt2260
from models.placements import tracking
from matching.profiles import DESTINATION_GROUPS
from models.placements.tables import Placement

ALLEVIATED = "alleviated"
"""脱贫人口; 防返贫监测对象 ('monitored') is a separate group and not counted as 脱贫."""


def in_year(year: int) -> tuple[Any, Any]:
    """Placements started in ``year`` (a range, so the start_date index is used)."""
    return Placement.start_date >= date(year, 1, 1), Placement.start_date < date(year + 1, 1, 1)


def new_employment(*, session: Session, county: str, year: int) -> dict[str, Any]:
    """新增就业 of a county in a year: total, Beijing, nearby (in_region), other, each with 脱贫.

    A worker counts once, by their first placement started in the year (a job change within
    the year is not new employment), so the groups add up to the total.
    """
    rows = session.execute(
        select(Placement.worker_id, Placement.destination, Placement.poverty_status)
        .where(Placement.county_code == county, *in_year(year))
        .order_by(Placement.worker_id, Placement.start_date, Placement.id))
    first: dict[int, tuple[str, str]] = {}
    for worker_id, destination, poverty in rows:
        first.setdefault(worker_id, (destination, poverty))
    table = {g: {"count": 0, "alleviated": 0} for g in ("total", *DESTINATION_GROUPS)}
    for destination, poverty in first.values():
        for key in ("total", destination):
            table[key]["count"] += 1
            table[key]["alleviated"] += poverty == ALLEVIATED
    return {"county": county, "county_name": gbt2260.region_name(county), "year": year, **table}


def _cell(flags: list[bool | None]) -> dict[str, Any]:
    known = [f for f in flags if f is not None]
    kept = sum(known)
    return {"eligible": len(known), "retained": kept,
            "share": round(kept / len(known), 4) if known else None}


def _row(key: str, name: str, spans: list[tuple[date, date | None]], as_of: date) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "name": name, "placements": len(spans)}
    for months in tracking.RETENTION_MONTHS:
        out[f"m{months}"] = _cell([tracking.retained_at(s, e, months, as_of) for s, e in spans])
    return out


def retention(*, session: Session, counties: Iterable[str] | None, county: str | None,
              year: int | None, as_of: date) -> dict[str, Any]:
    """Share still employed 3, 6 and 12 months after start, by county, destination and poverty
    status. Only placements at least that old by ``as_of`` count in each denominator."""
    stmt = select(Placement.county_code, Placement.destination, Placement.poverty_status,
                  Placement.start_date, Placement.end_date).where(Placement.start_date <= as_of)
    if counties is not None:
        stmt = stmt.where(Placement.county_code.in_(sorted(counties)))
    if county is not None:
        stmt = stmt.where(Placement.county_code == county)
    if year is not None:
        stmt = stmt.where(*in_year(year))
    groups: dict[str, dict[str, list[tuple[date, date | None]]]] = {
        "county": {}, "destination": {}, "poverty_status": {}}
    everything: list[tuple[date, date | None]] = []
    for county_code, destination, poverty, start, end in session.execute(stmt):
        span = (start, end)
        everything.append(span)
        for dim, key in (("county", county_code), ("destination", destination), ("poverty_status", poverty)):
            groups[dim].setdefault(key, []).append(span)
    return {
        "as_of": as_of, "county": county, "year": year, "months": list(tracking.RETENTION_MONTHS),
        "overall": _row("all", "全部 / all", everything, as_of),
        "by_county": [_row(k, gbt2260.region_name(k), v, as_of) for k, v in sorted(groups["county"].items())],
        "by_destination": [_row(k, k, v, as_of) for k, v in sorted(groups["destination"].items())],
        "by_poverty_status": [_row(k, k, v, as_of) for k, v in sorted(groups["poverty_status"].items())],
    }
