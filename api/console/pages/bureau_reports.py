"""County bureaus: the new-employment table (新增就业, by destination and 脱贫 as the published
county tables) and retention at 3/6/12 months — ``models.placements.reports`` as
``/api/v1/reports/*`` — with bar charts drawn as SVG by the template (no script)."""
from __future__ import annotations

from typing import Any

from flask import g, render_template, request
from marshmallow import ValidationError

from api import db
from api.console.forms import Form, flatten_messages
from api.console.frame import bp, console_page, nav_item, t
from api.console.pages import bureau_common as common
from api.console.pages.bureau_workers import county_choices
from api.schemas.reports import NewEmploymentQuery
from models import clock
from models.placements import reports as report_service

nav_item("统计报表", "Reports", "console.bureau_reports", ("bureau", "admin"), order=30,
         description_zh="新增就业与稳岗率", description_en="New employment and retention")

GROUPS = (("total", ("合计", "Total")), ("beijing", ("北京（东部结对地区）", "Beijing (paired district)")),
          ("in_region", ("区内就近", "Nearby in the region")), ("other", ("其他省份", "Other provinces")))


def employment_bars(table: dict[str, Any]) -> dict[str, Any]:
    """Bars (count and of whom 脱贫) per destination group, scaled to the largest count."""
    top = max([table[k]["count"] for k, _ in GROUPS] + [1])
    return {"top": top, "bars": [{"slot": i, "label": t(*names), "count": table[k]["count"],
                                  "alleviated": table[k]["alleviated"],
                                  "h_count": round(120 * table[k]["count"] / top, 1),
                                  "h_alleviated": round(120 * table[k]["alleviated"] / top, 1)}
                                 for i, (k, names) in enumerate(GROUPS)]}


def retention_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Overall, then by poverty status and destination: the rows of the table and the chart."""
    rows = [{**report["overall"], "label": t("全部", "All")}]
    rows += [{**r, "label": t("脱贫状态：", "Poverty: ") + common.label(common.POVERTY, r["key"])}
             for r in report["by_poverty_status"]]
    rows += [{**r, "label": t("去向：", "Destination: ") + common.label(common.DESTINATIONS, r["key"])}
             for r in report["by_destination"]]
    if len(report["by_county"]) > 1:
        rows += [{**r, "label": r["name"]} for r in report["by_county"]]
    return rows


@bp.get("/reports")
@console_page("bureau", "admin")
def bureau_reports():
    counties = county_choices()
    today = clock.today()
    raw = {k: request.args.get(k, "").strip() for k in ("county", "year")}
    raw["county"] = raw["county"] or (counties[0][0] if counties else "")
    raw["year"] = raw["year"] or str(today.year)
    form = Form(data=raw)
    employment = retention = None
    try:
        args = NewEmploymentQuery().load({k: v for k, v in raw.items() if v})
    except ValidationError as err:
        form.errors = flatten_messages(err.messages)
        args = None
    if args is not None and not g.principal.covers_county(args["county"]):
        form.add_error("county", "只能查看本辖区 / You may see your own counties only")
    if args is not None and not form.errors:
        employment = report_service.new_employment(session=db.session(), county=args["county"], year=args["year"])
        retention = report_service.retention(session=db.session(), counties=g.principal.county_scope,
                                             county=args["county"], year=args["year"], as_of=today)
    return render_template(
        "console/bureau_reports.html", form=form, counties=counties, employment=employment, groups=GROUPS,
        chart=employment_bars(employment) if employment else None,
        retention=retention, rows=retention_rows(retention) if retention else []), (422 if form.errors else 200)
