"""The PII vault: authenticated encryption bound to the field, keyed lookup indexes, masks."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from models.access.pii import PiiKeys, PiiVault, mask_id_number, mask_phone


@given(st.text(min_size=1, max_size=40))
def test_vault_round_trips_and_index_is_keyed(value):
    a, b = PiiVault(PiiKeys.generate()), PiiVault(PiiKeys.generate())
    blob = a.encrypt(value, context="t")
    assert a.decrypt(blob, context="t") == value
    assert value.encode() not in blob or len(value) < 3
    assert a.index(value, context="t") == a.index(value, context="t") != b.index(value, context="t")


def test_vault_refuses_a_blob_moved_to_another_field():
    vault = PiiVault(PiiKeys.generate())
    blob = vault.encrypt("13800000000", context="worker.phone")
    with pytest.raises(Exception):
        vault.decrypt(blob, context="worker.id_number")


def test_masks():
    assert mask_id_number("15092120040517123X") == "150921********123X"
    assert mask_phone("13800000000") == "138****0000"
