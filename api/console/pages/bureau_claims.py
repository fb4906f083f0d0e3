"""County bureaus: subsidy claims to review, each with its conditions and the evidence
checklist; approve (naming the evidence seen) or reject with a reason — ``models.subsidies.claims``
through the API's ``DecisionSchema``, by a bureau user of the claim's county (PIPL Art. 24)."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from api import auth, db
from api.console.forms import Form, flatten_messages, load_form
from api.console.frame import bp, console_page, nav_item, t
from api.console.pages import bureau_common as common
from api.http import paginate
from api.resources.claims import filtered, load_claim, present, require_county_reviewer
from api.schemas.subsidies import ClaimQuery, DecisionSchema
from models.errors import DomainError
from models.subsidies import claims as claim_service

nav_item("补贴审核", "Subsidy claims", "console.bureau_claims", ("bureau", "admin"), order=20,
         description_zh="核验证明材料，批准或驳回", description_en="Check the evidence, approve or reject")

PAGE_SIZE = 20


@bp.get("/claims")
@console_page("bureau", "admin")
def bureau_claims():
    raw = {k: v for k, v in request.args.items() if k in ("state", "page") and v.strip()}
    raw.setdefault("state", "eligible")
    if raw["state"] == "all":
        raw.pop("state")
    errors = {}
    try:
        args = ClaimQuery().load({**raw, "page_size": PAGE_SIZE})
    except ValidationError as err:
        errors = flatten_messages(err.messages)
        args = ClaimQuery().load({"state": "eligible", "page_size": PAGE_SIZE})
    page = paginate(filtered(args), args["page"], args["page_size"])
    items = [present(c) for c in page["items"]]
    pages = max(1, -(-page["total"] // PAGE_SIZE))
    return render_template("console/bureau_claims.html", items=items, page=page, pages=pages,
                           state=args.get("state", "all"), form=Form(data={"state": args.get("state", "all")},
                                                                     errors=errors), common=common), \
        (422 if errors else 200)


def claim_page(claim, form: Form | None = None, status: int = 200):
    principal = g.principal
    may_decide = principal.role == "bureau" and claim.county_code in principal.counties
    return render_template("console/bureau_claim.html", claim=present(claim), form=form or Form(),
                           may_decide=may_decide, common=common), status


@bp.get("/claims/<int:claim_id>")
@console_page("bureau", "admin")
def bureau_claim(claim_id: int):
    return claim_page(load_claim(claim_id))


@bp.post("/claims/<int:claim_id>/decide")
@console_page("bureau")
def bureau_claim_decide(claim_id: int):
    claim = load_claim(claim_id)  # another county's claim: 404
    require_county_reviewer(claim)
    decision = request.form.get("decision")
    form = load_form(DecisionSchema())
    if decision not in ("approve", "reject"):
        form.add_error("_form", "请选择批准或驳回 / Choose approve or reject")
    if form.ok:
        try:
            claim_service.decide(session=db.session(), claim=claim, approve=decision == "approve",
                                 user_id=auth.current().user_id, reason=form.values["reason"],
                                 evidence_seen=form.values.get("evidence_seen"))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            auth.audit(f"claim.{claim.state}", "subsidy_claim", claim.id, reason=form.values["reason"],
                       amount_fen=claim.amount_fen)
            flash(t(f"申领 {claim.id} {common.label(common.CLAIM_STATE, claim.state)}",
                    f"Claim {claim.id} {common.label(common.CLAIM_STATE, claim.state).lower()}"), "ok")
            return redirect(url_for("console.bureau_claims"))
    return claim_page(claim, form, status=422)
