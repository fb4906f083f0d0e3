"""/api/v1/claims and /api/v1/workers/{id}/eligibility — subsidy entitlements and their review.

Approval, rejection and payment are human decisions (PIPL Art. 24) by a bureau user of the
claim's county, with a reason; administrators manage policies but do not decide claims.
"""
from __future__ import annotations

import io
from typing import Any

from flask import send_file
from flask.views import MethodView
from flask_smorest import abort
from openpyxl import Workbook
from sqlalchemy import Select, select

from api import auth, db
from api.auth import roles
from api.http import Blueprint, page_schema, paginate, with_etag
from api.resources.workers import load_worker
from api.schemas.subsidies import ClaimOut, ClaimQuery, DecisionSchema, EligibilityOut, ReasonSchema
from models import clock
from models.subsidies import claims as claim_service
from models.reference import gbt2260
from models.workers import service as worker_service
from models.employers.tables import Employer
from models.access.pii import mask_id_number
from models.subsidies.tables import SubsidyClaim
from models.workers.tables import Worker

blp = Blueprint("claims", __name__, url_prefix="/api/v1",
                description="Subsidy eligibility and claims (补贴资格与申领): eligible → approved | rejected → paid")
EXPORT_LIMIT = 50_000


def present(claim: SubsidyClaim) -> dict[str, Any]:
    out = {c.key: getattr(claim, c.key) for c in SubsidyClaim.__table__.columns}
    out["policy_name"] = claim.policy.name
    worker = db.session().get(Worker, claim.worker_id)
    out["worker_name"] = worker.name if worker else ""
    return out


def load_claim(claim_id: int) -> SubsidyClaim:
    claim = db.session().get(SubsidyClaim, claim_id)
    if claim is None or not auth.current().covers_county(claim.county_code):
        abort(404)
    return claim


def filtered(args: dict[str, Any]) -> Select:
    stmt = auth.scope_by_county(select(SubsidyClaim).order_by(SubsidyClaim.id), SubsidyClaim.county_code)
    for arg, column in (("county", SubsidyClaim.county_code), ("state", SubsidyClaim.state),
                        ("policy", SubsidyClaim.policy_key), ("period", SubsidyClaim.period_key),
                        ("worker_id", SubsidyClaim.worker_id)):
        if arg in args:
            stmt = stmt.where(column == args[arg])
    return stmt


def require_county_reviewer(claim: SubsidyClaim) -> None:
    principal = auth.current()
    if principal.role != "bureau" or claim.county_code not in principal.counties:
        abort(403, message="须由申领人所在旗县就业局审核 / Only a bureau user of the claim's county may decide")


@blp.route("/workers/<int:worker_id>/eligibility")
class WorkerEligibility(MethodView):
    @roles("admin", "bureau")
    @blp.response(200, EligibilityOut)
    def get(self, worker_id: int):
        """What the worker could get under the policies in force, and what is still missing."""
        worker = load_worker(worker_id)
        today = clock.today()
        session = db.session()
        claims = claim_service.claims_by_key(session=session, worker_id=worker.id)
        items = []
        for f in claim_service.evaluate_worker(session=session, worker_id=worker.id, as_of=today):
            claim = claims.get((f.policy.key, f.evaluation.period_key))
            items.append({
                "placement_id": f.placement.id, "policy_id": f.policy.id, "policy_key": f.policy.key,
                "policy_version": f.policy.version, "policy_name": f.policy.name,
                "eligible": f.evaluation.eligible, "amount_fen": f.evaluation.amount_fen,
                "payee": f.evaluation.payee, "period_key": f.evaluation.period_key,
                "qualified_on": f.evaluation.qualified_on, "missing": f.evaluation.missing,
                "conditions": f.evaluation.conditions_json(),
                "evidence_accepted": list(f.evaluation.evidence_accepted),
                "claim_id": claim.id if claim else None, "claim_state": claim.state if claim else None,
            })
        return {"worker_id": worker.id, "as_of": today, "items": items}


@blp.route("/claims")
class Claims(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(ClaimQuery, location="query")
    @blp.response(200, page_schema(ClaimOut, "ClaimPage"))
    def get(self, args: dict[str, Any]):
        """List claims of the caller's counties (filters: county, state, policy key, period, worker_id)."""
        page = paginate(filtered(args), args["page"], args["page_size"])
        page["items"] = [present(c) for c in page["items"]]
        return page


@blp.route("/claims/export.xlsx")
class ClaimsExport(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(ClaimQuery, location="query")
    @blp.response(200, description="Excel workbook for the payment office (ID numbers masked)")
    def get(self, args: dict[str, Any]):
        """Export filtered claims as .xlsx: masked ID number, amount in yuan and fen, payee."""
        session = db.session()
        claims = list(session.scalars(filtered(args).limit(EXPORT_LIMIT)))
        book = Workbook()
        sheet = book.active
        sheet.title = "补贴申领"
        sheet.append(["申领编号 Claim", "旗县 County", "姓名 Name", "身份证号 ID (masked)", "政策 Policy",
                      "版本 Version", "期间 Period", "状态 State", "金额(元) Yuan", "金额(分) Fen",
                      "收款方 Payee", "审核理由 Reason", "审核时间 Decided at"])
        for claim in claims:
            worker = session.get(Worker, claim.worker_id)
            id_number = worker_service.reveal(worker, db.vault())[0] if worker else None
            employer = session.get(Employer, claim.employer_id) if claim.employer_id else None
            sheet.append([
                claim.id, f"{claim.county_code} {gbt2260.region_name(claim.county_code) or ''}".strip(),
                worker.name if worker else "", mask_id_number(id_number) if id_number else "",
                claim.policy.name, claim.policy_version, claim.period_key, claim.state,
                f"{claim.amount_fen // 100}.{claim.amount_fen % 100:02d}", claim.amount_fen,
                claim_service.payee_label(claim, worker.name if worker else "", employer),
                claim.decision_reason or "", claim.decided_at.isoformat() if claim.decided_at else "",
            ])
        buffer = io.BytesIO()
        book.save(buffer)
        buffer.seek(0)
        auth.audit("claims.export", "subsidy_claim", None, rows=len(claims),
                   filters={k: v for k, v in args.items() if k not in ("page", "page_size")})
        return send_file(buffer, download_name="subsidy-claims.xlsx", as_attachment=True,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@blp.route("/claims/<int:claim_id>")
class ClaimItem(MethodView):
    @roles("admin", "bureau")
    @blp.response(200, ClaimOut)
    def get(self, claim_id: int):
        """One claim with the conditions it was found (and, once approved, frozen) under."""
        claim = load_claim(claim_id)
        return with_etag(present(claim), claim)


def _decide(claim_id: int, data: dict[str, Any], approve: bool):
    claim = load_claim(claim_id)
    require_county_reviewer(claim)
    claim_service.decide(session=db.session(), claim=claim, approve=approve, user_id=auth.current().user_id,
                         reason=data["reason"], evidence_seen=data.get("evidence_seen"))
    auth.audit(f"claim.{claim.state}", "subsidy_claim", claim.id, reason=data["reason"], amount_fen=claim.amount_fen)
    return with_etag(present(claim), claim)


@blp.route("/claims/<int:claim_id>/approve")
class ClaimApprove(MethodView):
    @roles("bureau")
    @blp.arguments(DecisionSchema)
    @blp.response(200, ClaimOut)
    def post(self, data: dict[str, Any], claim_id: int):
        """Approve an eligible claim (bureau of its county; reason and checked evidence required)."""
        return _decide(claim_id, data, approve=True)


@blp.route("/claims/<int:claim_id>/reject")
class ClaimReject(MethodView):
    @roles("bureau")
    @blp.arguments(DecisionSchema)
    @blp.response(200, ClaimOut)
    def post(self, data: dict[str, Any], claim_id: int):
        """Reject an eligible claim (bureau of its county; reason required)."""
        return _decide(claim_id, data, approve=False)


@blp.route("/claims/<int:claim_id>/pay")
class ClaimPay(MethodView):
    @roles("bureau")
    @blp.arguments(ReasonSchema)
    @blp.response(200, ClaimOut)
    def post(self, data: dict[str, Any], claim_id: int):
        """Record the payment of an approved claim (bureau of its county; note/reason required)."""
        claim = load_claim(claim_id)
        require_county_reviewer(claim)
        claim_service.pay(session=db.session(), claim=claim, user_id=auth.current().user_id, reason=data["reason"])
        auth.audit("claim.paid", "subsidy_claim", claim.id, reason=data["reason"], amount_fen=claim.amount_fen)
        return with_etag(present(claim), claim)
