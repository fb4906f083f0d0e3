"""/api/v1/subsidy-policies — declarative, versioned subsidy policies (补贴政策) per county."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from api import auth, db
from api.auth import roles
from api.http import Blueprint, created, idempotent, page_schema, paginate, require_if_match, with_etag
from api.schemas.subsidies import PolicyCreateSchema, PolicyOut, PolicyPatchSchema, PolicyQuery
from models.subsidies import policies as subsidy_service
from models.subsidies.tables import SubsidyPolicy

blp = Blueprint("subsidy_policies", __name__, url_prefix="/api/v1/subsidy-policies",
                description="Subsidy policies (补贴政策): templates and county versions; every edit is a new version")


def present(policy: SubsidyPolicy) -> dict[str, Any]:
    out = {c.key: getattr(policy, c.key) for c in SubsidyPolicy.__table__.columns}
    out["is_template"] = policy.is_template
    return out


def load_policy(policy_id: int) -> SubsidyPolicy:
    """Admins see all; a bureau sees templates and its own counties' policies."""
    policy = db.session().get(SubsidyPolicy, policy_id)
    principal = auth.current()
    if policy is None or not (policy.is_template or principal.covers_county(policy.county_code)):
        abort(404)
    return policy


@blp.route("")
class Policies(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(PolicyQuery, location="query")
    @blp.response(200, page_schema(PolicyOut, "SubsidyPolicyPage"))
    def get(self, args: dict[str, Any]):
        """List current policy versions (`all_versions=true` for history); filters county, key, enabled."""
        stmt = auth.scope_by_county(select(SubsidyPolicy).order_by(SubsidyPolicy.key, SubsidyPolicy.version),
                                    SubsidyPolicy.county_code, also=SubsidyPolicy.county_code.is_(None))
        if not args["all_versions"]:
            stmt = stmt.where(SubsidyPolicy.is_current)
        if "county" in args:
            stmt = stmt.where(SubsidyPolicy.county_code == args["county"])
        if "key" in args:
            stmt = stmt.where(SubsidyPolicy.key == args["key"])
        if "enabled" in args:
            stmt = stmt.where(SubsidyPolicy.enabled == args["enabled"])
        page = paginate(stmt, args["page"], args["page_size"])
        page["items"] = [present(p) for p in page["items"]]
        return page

    @roles("admin")
    @idempotent
    @blp.arguments(PolicyCreateSchema)
    @blp.response(201, PolicyOut)
    @blp.alt_response(409, description="A policy with this key exists")
    def post(self, data: dict[str, Any]):
        """Create a county policy from full `rules` or by copying a `template` (e.g. `template-transport`)."""
        policy = subsidy_service.create_policy(session=db.session(), data=data, created_by=auth.current().user_id)
        auth.audit("subsidy_policy.create", "subsidy_policy", policy.id, key=policy.key, version=policy.version)
        return created(present(policy), policy, f"/api/v1/subsidy-policies/{policy.id}")


@blp.route("/<int:policy_id>")
class PolicyItem(MethodView):
    @roles("admin", "bureau")
    @blp.response(200, PolicyOut)
    def get(self, policy_id: int):
        """One policy version (old versions stay readable: claims point at them)."""
        policy = load_policy(policy_id)
        return with_etag(present(policy), policy)

    @roles("admin")
    @blp.arguments(PolicyPatchSchema)
    @blp.response(201, PolicyOut)
    @blp.alt_response(412, description="Stale If-Match or not the current version")
    @blp.alt_response(428, description="If-Match missing")
    def patch(self, data: dict[str, Any], policy_id: int):
        """Edit a policy: creates and returns the next version (send the ETag in `If-Match`)."""
        policy = load_policy(policy_id)
        require_if_match(policy)
        successor = subsidy_service.new_version(session=db.session(), policy=policy, changes=data,
                                                created_by=auth.current().user_id)
        auth.audit("subsidy_policy.version", "subsidy_policy", successor.id, key=successor.key,
                   version=successor.version, fields=sorted(data))
        return created(present(successor), successor, f"/api/v1/subsidy-policies/{successor.id}")
