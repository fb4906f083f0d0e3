"""GB/T 2260 divisions: levels, history and renamed divisions."""
from __future__ import annotations

from models.reference import gbt2260


def test_gbt2260_levels_and_history():
    assert gbt2260.get("150921").level == "county" and gbt2260.get("150900").level == "prefecture"
    assert gbt2260.is_current_county("150921", "15") and not gbt2260.is_current_county("152624", "15")
    assert not gbt2260.is_current_county("110103")  # 崇文区, merged in 2010


def test_renamed_divisions_take_their_latest_name():
    assert gbt2260.get("120110").name == "东丽区" and gbt2260.is_current_county("120110")
    assert gbt2260.get("150404").name == "松山区"
