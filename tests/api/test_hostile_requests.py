"""Hostile or odd requests get a 4xx in the one error shape, never a 500 (issue 14 items 7, 8, 10).

Each case is a request a real client has sent us by mistake or on purpose: a body nested ten
thousand levels deep, a 5,000-digit number, a lone UTF-16 surrogate or a NUL in a name, a name
with a line break, an id beyond the database's integer column, a body far larger than any form.
"""
from __future__ import annotations

import json

import pytest

from tests.factories import worker_payload

WORKERS = "/api/v1/workers"


def auth(api, role="bureau", **extra):
    return {"Authorization": f"Bearer {api.tokens[role]}", **extra}


def post_raw(api, body: bytes | str, path: str = WORKERS, role: str = "bureau", **headers):
    return api.client.post(path, data=body, headers=auth(api, role, **{"Content-Type": "application/json", **headers}))


def assert_error_shape(response, status: int):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body["code"] == status and body["message"]
    return body


def test_deeply_nested_json_is_a_400(api):
    body = '{"name":' + "[" * 10_000 + "]" * 10_000 + "}"
    assert_error_shape(post_raw(api, body), 400)


def test_a_5000_digit_integer_is_a_4xx(api):
    payload = json.dumps(worker_payload())[:-1] + ', "expected_wage_min": ' + "9" * 5000 + "}"
    response = post_raw(api, payload)
    assert response.status_code in (400, 422), response.get_data(as_text=True)[:300]
    assert response.get_json()["code"] == response.status_code


@pytest.mark.parametrize("name, why", [
    ("张\ud800三", "surrogate"),
    ("张\u0000三", "NUL"),
    ("张三\r\nContent-Type: text/html", "line break"),
    ("张\t三", "tab"),
])
def test_names_with_control_or_invalid_characters_are_refused_by_field(api, name, why):
    # json.dumps writes \ud800 and \u0000 as escapes, exactly as a hostile client sends them
    payload = json.dumps(worker_payload(name=name))
    body = assert_error_shape(post_raw(api, payload), 422)
    assert "name" in body["errors"]["json"], body
    assert api.get("bureau", WORKERS).get_json()["total"] == 0, "nothing half-written"


def test_nul_in_a_free_text_field_is_refused_with_the_right_message(api):
    payload = json.dumps(worker_payload(village="东滩\u0000村"))
    body = assert_error_shape(post_raw(api, payload), 422)
    text = json.dumps(body["errors"], ensure_ascii=False)
    assert "village" in text and "字符" in text and "out of range" not in text


def test_a_good_name_with_a_middle_dot_still_passes(api):
    # Names of several nationalities are written with a middle dot: 阿依古丽·买买提
    response = api.post("bureau", WORKERS, json=worker_payload(name="阿依古丽·买买提"))
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("ident", [2**31, 2**31 + 7, 2**63 - 1, 2**63, 10**30])
def test_ids_beyond_the_integer_column_are_404_on_every_backend(api, ident):
    response = api.client.get(f"{WORKERS}/{ident}", headers=auth(api))
    assert_error_shape(response, 404)


def test_a_json_body_larger_than_any_form_is_a_413(api):
    big = json.dumps(worker_payload(notes="很" * (2 * 1024 * 1024)))
    assert_error_shape(post_raw(api, big), 413)


def test_a_chunked_json_body_without_length_is_still_bounded(api):
    import io

    big = json.dumps(worker_payload(notes="很" * (2 * 1024 * 1024))).encode()
    response = api.client.post(
        WORKERS, input_stream=io.BytesIO(big),
        headers=auth(api, **{"Content-Type": "application/json", "Transfer-Encoding": "chunked"}),
        environ_overrides={"wsgi.input_terminated": True})
    # werkzeug stops reading at the limit; what was read is cut off, hence malformed
    assert response.status_code in (400, 413)
    assert response.get_json()["code"] == response.status_code


def test_405_names_the_allowed_methods(api):
    response = api.client.put(WORKERS, headers=auth(api))
    assert_error_shape(response, 405)
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert {"GET", "POST"} <= allowed


def test_every_api_answer_has_nosniff_and_personal_data_is_not_cached(api):
    created = api.post("bureau", WORKERS, json=worker_payload())
    for response in (created, api.get("bureau", WORKERS), api.get(None, WORKERS),
                     api.get("bureau", f"{WORKERS}/{created.get_json()['id']}")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]


def test_database_outage_is_a_503_with_retry_after(app, api, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from models.workers import service

    def down(*_a, **_k):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(service, "search_condition", down)
    response = api.client.get(f"{WORKERS}?q=张三", headers=auth(api))
    body = assert_error_shape(response, 503)
    assert int(response.headers["Retry-After"]) > 0
    assert "SELECT" not in json.dumps(body)


@pytest.mark.parametrize("filename", ['x"; filename=evil.exe', "张三\r\nSet-Cookie: a=b.xlsx", "卓资县花名册.xlsx"])
def test_download_names_cannot_add_a_parameter_or_a_header(filename):
    from api.tabular.writers import content_disposition

    value = content_disposition(filename)
    plain = value.split(";")[1]
    assert value.count(";") == 2 and "\r" not in value and "\n" not in value
    assert plain.startswith(' filename="') and plain.count('"') == 2
    assert value.endswith("filename*=UTF-8''" + __import__("urllib.parse").parse.quote(filename, safe=""))
