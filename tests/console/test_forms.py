"""The form helper validates with the API's own schemas: the same messages, beside the fields."""
from __future__ import annotations

from flask import render_template_string
from werkzeug.datastructures import MultiDict

from api.console import FORM_ERROR, Form, flatten_messages, load_form
from api.schemas.workers import WorkerCreateSchema
from models.errors import RuleViolation, RuleViolations
from tests.factories import worker_payload


def _as_form(payload: dict) -> MultiDict:
    pairs = []
    for key, value in payload.items():
        if isinstance(value, list):
            pairs.extend((key, str(v)) for v in value if not isinstance(v, dict))
        elif isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        elif value is not None:
            pairs.append((key, str(value)))
    return MultiDict(pairs)


def test_a_valid_form_loads_like_the_json_body(app):
    payload = worker_payload(seq=501)
    payload.pop("skills", None)
    with app.test_request_context("/console/", method="POST", data=_as_form(payload)):
        form = load_form(WorkerCreateSchema())
    assert form.ok, form.errors
    assert form.values["name"] == payload["name"] and form.values["destinations"] == payload["destinations"]


def test_field_errors_are_the_apis_field_errors(app, api):
    payload = worker_payload(seq=502, phone="12345", expected_monthly_wage=0, name="")
    payload.pop("skills", None)
    from_api = api.post("bureau", "/api/v1/workers", json=payload).get_json()["errors"]["json"]
    data = _as_form(payload)
    data.add("csrf_token", "t")
    with app.test_request_context("/console/", method="POST", data=data):
        form = load_form(WorkerCreateSchema())
    assert not form.ok
    assert set(form.errors) == set(from_api) == {"phone", "expected_monthly_wage", "name"}
    for name in ("phone", "expected_monthly_wage"):
        assert form.errors[name] == from_api[name], name
    # An input left empty is a missing value (as if the JSON body had left the field out).
    assert form.errors["name"] == ["必填字段 / Missing data for required field."]
    assert "csrf_token" not in form.errors and "csrf_token" not in form.data
    assert form.value("phone") == "12345"  # what was typed is shown again


def test_messages_from_nested_fields_and_the_schema_are_flattened():
    messages = {"skills": {0: {"code": ["Missing data for required field."]}}, "_schema": ["Invalid value."]}
    flat = flatten_messages(messages)
    assert flat == {"skills.0.code": ["必填字段 / Missing data for required field."],
                    FORM_ERROR: ["无效值 / Invalid value."]}


def test_a_service_rule_goes_beside_its_field_or_on_the_form():
    form = Form()
    form.add_domain_error(RuleViolations({"terms.monthly_wage": ["低于北京最低工资 / Below the Beijing minimum wage"]}))
    form.add_domain_error(RuleViolation("已关闭 / Closed"))
    assert form.error("terms.monthly_wage") == ["低于北京最低工资 / Below the Beijing minimum wage"]
    assert form.error(FORM_ERROR) == ["已关闭 / Closed"]


def test_the_field_macro_shows_the_message_beside_the_input(app):
    form = Form(data={"phone": "12345"}, errors={"phone": ["须为手机号 / Must be a mobile number"]})
    with app.test_request_context("/console/"):
        html = render_template_string(
            '{% from "console/_forms.html" import field %}{{ field(form, "phone", "手机号", required=True, hint="11位") }}',
            form=form)
    assert '<label for="f-phone">手机号' in html
    assert 'value="12345"' in html and 'aria-invalid="true"' in html
    assert 'aria-describedby="f-phone-hint f-phone-error"' in html
    assert '<p class="field-error" id="f-phone-error">须为手机号 / Must be a mobile number</p>' in html
