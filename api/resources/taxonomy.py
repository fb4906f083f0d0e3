"""/api/v1/occupations and /api/v1/skills — search the 职业分类大典 and the skill vocabulary.

Roster makers and employers look up the code for a title here (保洁 → 4-09-08-01) before
filling in a sheet or a posting; the search itself lives in ``models.reference.service``.
"""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from api import db
from api.auth import roles
from api.http import Blueprint, page_schema, paginate
from api.schemas.common import PageQuery
from models.reference import service
from models.reference.taxonomy import Occupation

blp = Blueprint("taxonomy", __name__, url_prefix="/api/v1",
                description="Occupations (职业分类大典 2022) and skills (技能词表)")

class OccupationOut(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String(allow_none=True)
    level = fields.Integer(metadata={"description": "1 大类, 2 中类, 3 小类, 4 职业, 5 工种"})
    parent_code = fields.String(allow_none=True)
    aliases = fields.List(fields.String())
    green = fields.Boolean(metadata={"description": "绿色职业"})
    digital = fields.Boolean(metadata={"description": "数字职业"})
    category = fields.String(allow_none=True, metadata={"description": "set for the programme's occupations"})
    skills = fields.List(fields.String())
    wage_min = fields.Integer(allow_none=True)
    wage_max = fields.Integer(allow_none=True)

class SkillTermOut(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    synonyms = fields.List(fields.String())
    certifiable = fields.Boolean()

class SkillQuery(PageQuery):
    q = fields.String(validate=validate.Length(max=64),
                      metadata={"description": "code prefix, or part of a name or synonym"})

class OccupationQuery(SkillQuery):
    level = fields.Integer(validate=validate.Range(min=1, max=5))
    parent = fields.String(validate=validate.Length(min=1, max=16), metadata={
        "description": "a code: list the codes right under it (a 大类's 中类, a 中类's 小类 — and the 职业 "
                       "whose 小类 the table lacks —, a 小类's 职业, a 职业's 工种)"})

@blp.route("/occupations")
class Occupations(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.arguments(OccupationQuery, location="query")
    @blp.response(200, page_schema(OccupationOut, "OccupationPage"))
    def get(self, args: dict[str, Any]):
        """Search occupations by code prefix, name or alias (exact matches first); `parent` lists
        the children of a group."""
        parent = args.get("parent")
        if parent is not None and db.session().get(Occupation, parent) is None:
            abort(422, errors={"query": {"parent": [f"未知职业代码 / Unknown occupation code: {parent}"]}})
        return paginate(service.occupation_query(args.get("q"), args.get("level"), parent),
                        args["page"], args["page_size"])

@blp.route("/skills")
class Skills(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.arguments(SkillQuery, location="query")
    @blp.response(200, page_schema(SkillTermOut, "SkillPage"))
    def get(self, args: dict[str, Any]):
        """Search skills by code prefix, name or synonym (exact matches first)."""
        return paginate(service.skill_query(args.get("q")), args["page"], args["page_size"])
