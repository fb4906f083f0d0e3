"""/healthz (process up) and /readyz (database reachable, migrations current)."""
from __future__ import annotations

from flask import current_app, jsonify
from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy import text

from api.http import Blueprint

from models.db.migrate import current_revision, head_revision

blp = Blueprint("health", __name__, description="Liveness and readiness probes (no token)")


class HealthOut(Schema):
    status = fields.String(metadata={"description": "ok"})


class ReadyOut(Schema):
    status = fields.String(metadata={"description": "ok, or unavailable"})
    database = fields.String(metadata={"description": "ok, or unreachable"})
    migration = fields.String(metadata={"description": "The database's migration"})
    head = fields.String(metadata={"description": "The code's latest migration, when they differ"})


@blp.route("/healthz")
class Health(MethodView):
    @blp.doc(security=[])
    @blp.alt_response(200, schema=HealthOut, description="The process is up")
    def get(self):
        """The process is up."""
        return jsonify(status="ok")


@blp.route("/readyz")
class Ready(MethodView):
    @blp.doc(security=[])
    @blp.alt_response(200, schema=ReadyOut, description="Ready")
    @blp.alt_response(503, schema=ReadyOut, description="Not ready: database unreachable or behind")
    def get(self):
        """The database answers and its schema is at the latest migration."""
        engine = current_app.extensions["jm.engine"]
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            current, head = current_revision(engine), head_revision()
        except Exception as exc:  # any driver error means not ready
            current_app.logger.warning("readiness check failed", extra={"error": str(exc)[:200]})
            return jsonify(status="unavailable", database="unreachable"), 503
        if current != head:
            return jsonify(status="unavailable", database="ok", migration=current, head=head), 503
        return jsonify(status="ok", database="ok", migration=current)
