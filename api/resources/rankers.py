"""/api/v1/models — ranker versions for administrators: list, activate, roll back."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import select

from api.http import Blueprint
from api import auth, db, ranking
from api.auth import roles
from models.rankers.tables import ModelVersion
from training import registry

blp = Blueprint("models", __name__, url_prefix="/api/v1/models",
                description="Ranker model registry (administrators)")


class ModelOut(Schema):
    version = fields.String()
    status = fields.String()
    trained_from = fields.Date(allow_none=True)
    trained_to = fields.Date(allow_none=True)
    evaluated_to = fields.Date(allow_none=True)
    metrics = fields.Dict()
    feature_names = fields.List(fields.String())
    library_versions = fields.Dict()
    checksum = fields.String()
    created_at = fields.DateTime()
    activated_at = fields.DateTime(allow_none=True)


class ModelList(Schema):
    answering = fields.String(metadata={"description": "The ranker answering now (`heuristic` on fallback)"})
    fallback_reason = fields.String(allow_none=True)
    items = fields.List(fields.Nested(ModelOut))


@blp.route("")
class Models(MethodView):
    @roles("admin")
    @blp.response(200, ModelList)
    def get(self):
        """All versions, newest first, and which ranker answers now."""
        scorer = ranking.scorer()
        rows = db.session().scalars(select(ModelVersion).order_by(ModelVersion.id.desc())).all()
        return {"answering": scorer.name, "fallback_reason": scorer.fallback_reason, "items": rows}


@blp.route("/<string:version>/activate")
class ModelActivate(MethodView):
    @roles("admin")
    @blp.response(200, ModelOut)
    def post(self, version: str):
        """Activate a version (the active one is retired)."""
        row = registry.activate(db.session(), version)
        auth.audit("model.activate", "model", version)
        return row


@blp.route("/rollback")
class ModelRollback(MethodView):
    @roles("admin")
    @blp.response(200, ModelOut)
    def post(self):
        """Re-activate the previously active version."""
        row = registry.rollback(db.session())
        auth.audit("model.rollback", "model", row.version)
        return row
