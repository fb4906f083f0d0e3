"""Every console route, found in the app's URL map (page modules added later are covered
automatically): anonymous visitors are sent to the sign-in page, and every state-changing
route refuses a missing or wrong CSRF token."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from api.console import PUBLIC_ENDPOINTS

SAMPLE = {"int": 1, "string": "x", "path": "x", "default": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def console_routes(app, *, public: bool = False):
    """(method, url, endpoint) of every console route, its arguments filled with sample values;
    the sign-in page and static files only when ``public``."""
    out = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or (rule.endpoint in PUBLIC_ENDPOINTS and not public):
            continue
        values = {arg: _sample(rule, arg) for arg in rule.arguments}
        url = adapter.build(rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, url, rule.endpoint))
    return out


def _sample(rule, arg):
    converter = rule._converters[arg]
    name = type(converter).__name__.lower()
    if "int" in name:
        return 1
    if "uuid" in name:
        return SAMPLE["uuid"]
    return "x"


def test_the_console_has_routes_beyond_sign_in(app):
    endpoints = {e for _, _, e in console_routes(app)}
    assert {"console.home", "console.logout"} <= endpoints


def test_every_console_route_redirects_anonymous_visitors_to_sign_in(app, console_users):
    client = app.test_client()
    page = client.get("/console/login")  # an anonymous session with a valid CSRF token
    from tests.console_support import csrf_token

    token = csrf_token(page.get_data(as_text=True))
    routes = console_routes(app)
    assert routes
    for method, url, endpoint in routes:
        data = {"csrf_token": token} if method != "GET" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code == 302, (method, url, response.status_code)
        target = urlsplit(response.headers["Location"])
        assert target.path == "/console/login", (method, url)
        if method == "GET":
            assert parse_qs(target.query)["next"] == [url], (method, url)


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_every_state_changing_console_route_refuses_a_missing_or_wrong_csrf_token(console_as, app, token):
    signed = console_as("admin")
    posts = [(m, u) for m, u, _ in console_routes(app, public=True) if m in ("POST", "PUT", "PATCH", "DELETE")]
    assert ("POST", "/console/logout") in posts and ("POST", "/console/login") in posts
    for method, url in posts:
        data = {} if token is None else {"csrf_token": token}
        response = signed.client.open(url, method=method, data=data)
        assert response.status_code == 400, (method, url, response.status_code)
        assert "text/html" in response.content_type
    # …and the session is still signed in: nothing was done.
    assert signed.get("/console/").status_code == 200


def test_a_token_of_another_session_is_refused(console_as):
    admin, bureau = console_as("admin"), console_as("bureau")
    response = admin.client.post("/console/logout", data={"csrf_token": bureau.token})
    assert response.status_code == 400
    assert admin.get("/console/").status_code == 200


def test_the_sign_in_form_refuses_a_missing_csrf_token_even_with_the_right_password(app, console_users):
    client = app.test_client()
    client.get("/console/login")
    account = console_users["admin"]
    response = client.post("/console/login", data={"username": account.username, "password": account.password})
    assert response.status_code == 400
    assert client.get("/console/").status_code == 302
