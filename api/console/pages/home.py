"""The home page after sign-in: what this role does here, and its pages from the registry."""
from __future__ import annotations

from flask import g, render_template

from api import db
from api.console.frame import bp, console_page, nav_for, nav_item

ROLE_NAMES = {
    "admin": ("系统管理员", "Administrator"),
    "bureau": ("旗县就业局", "County employment bureau"),
    "employer": ("用人单位", "Employer"),
    "fair": ("招聘会工作人员", "Job-fair operator"),
}


def scope_text(principal) -> tuple[str, str]:
    """The user's scope in words: counties by name, the employer, the fairs."""
    if principal.role == "bureau":
        from sqlalchemy import select

        from models.reference.regions import Region

        names = db.session().scalars(select(Region.name).where(Region.code.in_(sorted(principal.counties)))
                                     .order_by(Region.code)).all()
        return "、".join(names), ", ".join(names)
    if principal.role == "employer" and principal.employer_id is not None:
        from models.employers.tables import Employer

        employer = db.session().get(Employer, principal.employer_id)
        return (employer.name, employer.name) if employer else ("", "")
    if principal.role == "fair":
        n = len(principal.fair_ids)
        return f"{n} 场招聘会", f"{n} fair(s)"
    return "全部", "Everything"


@bp.get("/")
@console_page()
def home():
    principal = g.principal
    return render_template("console/home.html", role_name=ROLE_NAMES[principal.role],
                           scope=scope_text(principal), items=[i for i in nav_for(principal.role)
                                                               if i.endpoint != "console.home"])


nav_item("首页", "Home", "console.home", ("admin", "bureau", "employer", "fair"), order=0)
