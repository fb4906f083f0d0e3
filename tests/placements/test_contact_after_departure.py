"""An employer may call a hired worker while the employment lasts; after the placement has
ended the phone is masked again on every view the employer has (issue: 4 of 4 ended
placements still showed the full phone through the application)."""
from __future__ import annotations

from tests.placements.placement_helpers import TODAY, hire, interviewing, new_posting, new_worker


def _application_as_employer(api, application_id: int) -> dict:
    listed = api.get("employer", "/api/v1/applications").get_json()["items"]
    return next(a for a in listed if a["id"] == application_id)


def test_the_phone_is_masked_again_once_the_placement_ended(api):
    posting = new_posting(api, openings=1)
    worker = new_worker(api, seq=611, phone="13900000611")
    application = interviewing(api, worker, posting)
    placement = hire(api, application).get_json()["placement_id"]
    during = _application_as_employer(api, application)
    assert during["worker"]["phone"] == "13900000611" and during["worker"]["phone_full"] is True
    single = api.get("employer", f"/api/v1/applications/{application}").get_json()
    assert single["worker"]["phone"] == "13900000611"

    ended = api.post("employer", f"/api/v1/placements/{placement}/end",
                     json={"end_date": TODAY.isoformat(), "reason": {"code": "quit_homesick"}})
    assert ended.status_code == 200

    after = _application_as_employer(api, application)
    assert after["state"] == "hired"  # the record of the hire stays
    assert after["worker"]["phone_full"] is False and "13900000611" not in str(after)
    single = api.get("employer", f"/api/v1/applications/{application}").get_json()
    assert "13900000611" not in str(single)
    placement_view = api.get("employer", f"/api/v1/placements/{placement}").get_json()
    assert "13900000611" not in str(placement_view)
    # The bureau still sees its worker's phone.
    assert api.get("bureau", f"/api/v1/workers/{worker}?reveal=true").get_json()["phone"] == "13900000611"
