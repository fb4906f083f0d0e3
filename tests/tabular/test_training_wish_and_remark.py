"""培训意愿 and 备注: kept on the worker (the wish as a small vocabulary plus the roster's own
words, the remark as written), readable and writable through the API, in the template, the
export and the fix workbook; an update import changes them only when the file carries them."""
from __future__ import annotations

import pytest

from models.workers.rules import training_wish_of
from tests.factories import worker_payload
from tests.tabular.sheets import WORKER_HEADERS, XLSX, sheet_rows, upload, worker_row, xlsx

URL = "/api/v1/workers/import"
HEADERS = [*WORKER_HEADERS, "培训意愿", "备注"]


@pytest.mark.parametrize(("text", "code"), [
    ("是", "yes"), ("有", "yes"), ("愿意", "yes"), ("电焊培训", "yes"), ("想学育婴员", "yes"), ("ｙｅｓ", "yes"),
    ("否", "no"), ("无", "no"), ("暂不需要", "no"), ("不想参加", "no"), ("待定", "undecided"), ("考虑中", "undecided"),
    ("", None), ("  ", None), (None, None),
])
def test_the_words_a_roster_writes_give_the_training_wish(text, code) -> None:
    assert training_wish_of(text) == code


def _one(api, **query) -> dict:
    return api.get("bureau", "/api/v1/workers", query_string=query).get_json()["items"][0]


def test_the_roster_columns_are_stored_and_shown(api) -> None:
    rows = [worker_row(1, 培训意愿="电焊培训", 备注="返乡人员，2026年春节后外出"),
            worker_row(2, 培训意愿="否"), worker_row(3)]
    r = upload(api, "bureau", URL, xlsx(HEADERS, rows))
    assert r.status_code == 200 and r.get_json()["created"] == 3, r.get_json()
    assert r.get_json()["not_stored_columns"] == [] and r.get_json()["ignored_columns"] == []
    by_name = {w["name"]: w for w in api.get("bureau", "/api/v1/workers").get_json()["items"]}
    assert (by_name["张1"]["training_wish"], by_name["张1"]["training_wish_text"]) == ("yes", "电焊培训")
    assert by_name["张1"]["remark"] == "返乡人员，2026年春节后外出"
    assert (by_name["张2"]["training_wish"], by_name["张2"]["training_wish_text"]) == ("no", "否")
    assert (by_name["张3"]["training_wish"], by_name["张3"]["training_wish_text"], by_name["张3"]["remark"]) == (
        None, None, None)


def test_an_overlong_training_wish_or_remark_is_a_row_error_not_cut(api) -> None:
    rows = [worker_row(1, 培训意愿="电" * 129), worker_row(2, 备注="备" * 501)]
    body = upload(api, "bureau", URL, xlsx(HEADERS, rows), mode="valid_rows").get_json()
    assert body["created"] == 0
    assert [(e["row"], e["column"]) for e in body["rows"]] == [(2, "培训意愿"), (3, "备注")]


def test_an_update_import_changes_them_only_when_the_file_carries_the_column(api) -> None:
    row = worker_row(1, 培训意愿="电焊培训", 备注="返乡人员")
    assert upload(api, "bureau", URL, xlsx(HEADERS, [row])).get_json()["created"] == 1
    # A file without the two columns: both stay.
    thin = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, [worker_row(1, 期望月薪=6000)]), on_duplicate="update")
    assert thin.get_json()["updated"] == 1
    worker = _one(api)
    assert (worker["expected_monthly_wage"], worker["training_wish_text"], worker["remark"]) == (6000, "电焊培训", "返乡人员")
    # A file carrying 培训意愿 only: the wish changes, the remark stays; a blank cell clears nothing.
    only_wish = upload(api, "bureau", URL, xlsx([*WORKER_HEADERS, "培训意愿"], [worker_row(1, 培训意愿="暂不需要")]),
                       on_duplicate="update")
    assert only_wish.get_json()["updated"] == 1
    worker = _one(api)
    assert (worker["training_wish"], worker["training_wish_text"], worker["remark"]) == ("no", "暂不需要", "返乡人员")
    upload(api, "bureau", URL, xlsx(HEADERS, [worker_row(1, 培训意愿=None, 备注="已在北京就业")]), on_duplicate="update")
    worker = _one(api)
    assert (worker["training_wish"], worker["training_wish_text"], worker["remark"]) == ("no", "暂不需要", "已在北京就业")


def test_bureaus_read_and_write_them_through_the_api(api) -> None:
    created = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=1, training_wish_text="想学厨师",
                                                                        remark="腿脚不便，不宜高空作业"))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["training_wish"], body["training_wish_text"], body["remark"]) == ("yes", "想学厨师", "腿脚不便，不宜高空作业")
    worker_id = body["id"]
    etag = api.get("bureau", f"/api/v1/workers/{worker_id}").headers["ETag"]
    patched = api.patch("bureau", f"/api/v1/workers/{worker_id}", json={"training_wish": "undecided", "remark": None},
                        headers={"If-Match": etag})
    assert patched.status_code == 200, patched.get_json()
    assert (patched.get_json()["training_wish"], patched.get_json()["training_wish_text"],
            patched.get_json()["remark"]) == ("undecided", "想学厨师", None)
    bad = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=2, training_wish="maybe", remark="x" * 501))
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]["json"]) == {"training_wish", "remark"}


def test_erasure_clears_them(api) -> None:
    worker_id = api.post("bureau", "/api/v1/workers", json=worker_payload(
        seq=1, training_wish_text="电焊", remark="其兄张某在京务工")).get_json()["id"]
    erased = api.post("bureau", f"/api/v1/workers/{worker_id}/erase").get_json()
    assert (erased["training_wish"], erased["training_wish_text"], erased["remark"]) == (None, None, None)


def test_the_template_the_export_and_the_fix_workbook_carry_them(api) -> None:
    template = sheet_rows(api.get("bureau", "/api/v1/workers/import/template").data)[0]
    assert template[-2:] == ["培训意愿", "备注"]
    help_rows = {row[0]: row for row in sheet_rows(api.get("bureau", "/api/v1/workers/import/template").data, 1)}
    assert "电焊" in help_rows["培训意愿"][3]

    api.post("bureau", "/api/v1/workers", json=worker_payload(seq=1, training_wish_text="电焊培训", remark="返乡人员"))
    api.post("bureau", "/api/v1/workers", json=worker_payload(seq=2, training_wish="undecided"))
    rows = sheet_rows(api.get("bureau", "/api/v1/workers/export").data)
    header = rows[0]
    records = [dict(zip(header, row)) for row in rows[1:]]
    assert [(r["培训意愿"], r["备注"]) for r in records] == [("电焊培训", "返乡人员"), ("待定", None)]
    # What the export writes imports back to the same values.
    assert training_wish_of("待定") == "undecided"

    bad = [worker_row(3, 培训意愿="想学电焊", 备注="返乡", 联系电话="12345")]
    r = upload(api, "bureau", URL, xlsx(HEADERS, bad), headers={"Accept": XLSX})
    assert r.status_code == 422 and r.mimetype == XLSX
    fix = sheet_rows(r.data)
    record = dict(zip(fix[0], fix[1]))
    assert (record["培训意愿"], record["备注"]) == ("想学电焊", "返乡")
