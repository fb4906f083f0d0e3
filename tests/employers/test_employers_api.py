"""Employers: USCC validation, administrator-only verification, masking of the contact."""
from __future__ import annotations

import pytest

from tests.factories import employer_payload

URL = "/api/v1/employers"


@pytest.mark.parametrize("field,value,fragment", [
    ("uscc", "91110105MA00000013", "check character"),
    ("uscc", "123", "18 valid characters"),
    ("district_code", "150921", "Beijing"),
    ("contact_phone", "010-1234567", "mainland mobile"),
    ("name", "", "Length"),
])
def test_employer_validation(api, field, value, fragment):
    r = api.post("admin", URL, json=employer_payload(**{field: value}))
    assert r.status_code == 422
    assert fragment in str(r.get_json()["errors"]["json"][field])


def test_duplicate_uscc_conflicts(api):
    assert api.post("admin", URL, json=employer_payload()).status_code == 201
    assert api.post("admin", URL, json=employer_payload(name="另一家")).status_code == 409


def test_only_admins_verify(api):
    eid = api.tokens["_employer_id"]
    etag = api.get("employer", f"{URL}/{eid}").headers["ETag"]
    r = api.patch("employer", f"{URL}/{eid}", json={"verified": False}, headers={"If-Match": etag})
    assert r.status_code == 403
    ok = api.patch("employer", f"{URL}/{eid}", json={"industry": "保安服务"}, headers={"If-Match": etag})
    assert ok.status_code == 200
    r = api.patch("admin", f"{URL}/{eid}", json={"verified": False}, headers={"If-Match": ok.headers["ETag"]})
    assert r.status_code == 200 and r.get_json()["verified"] is False


def test_contact_phone_is_masked_for_others(api):
    eid = api.post("admin", URL, json=employer_payload()).get_json()["id"]
    assert api.get("admin", f"{URL}/{eid}").get_json()["contact_phone"] == "13900001111"
    assert api.get("bureau", f"{URL}/{eid}").get_json()["contact_phone"] == "139****1111"


def test_employer_sees_only_itself(api):
    own, other = api.tokens["_employer_id"], api.tokens["_employer_other_id"]
    assert [e["id"] for e in api.get("employer", URL).get_json()["items"]] == [own]
    assert api.get("employer", f"{URL}/{other}").status_code == 404


def test_one_company_whatever_the_case_or_dashes_of_its_uscc(api):
    code = employer_payload()["uscc"]
    first = api.post("admin", URL, json=employer_payload(uscc=code.lower()))
    assert first.status_code == 201 and first.get_json()["uscc"] == code
    spaced = f"{code[:8]}-{code[8:]}"
    assert api.post("admin", URL, json=employer_payload(uscc=spaced, name="同一家")).status_code == 409
    assert api.post("admin", URL, json=employer_payload(uscc=f" {code} ", name="同一家")).status_code == 409


@pytest.mark.parametrize("given, stored", [
    ("010-65001234", "010-65001234"), ("(010) 6500 1234", "010-65001234"),
    ("0471-6601234转8021", "0471-6601234-8021"), ("+86 139 0000 1111", "13900001111"),
])
def test_a_landline_with_its_area_code_is_a_valid_contact(api, given, stored):
    r = api.post("admin", URL, json=employer_payload(contact_phone=given))
    assert r.status_code == 201, r.get_json()
    eid = r.get_json()["id"]
    assert api.get("admin", f"{URL}/{eid}").get_json()["contact_phone"] == stored
    assert api.get("bureau", f"{URL}/{eid}").get_json()["contact_phone"] == stored[:3] + "****" + stored[-4:]
