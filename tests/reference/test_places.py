"""A roster's 务工地点 text → the most specific unambiguous GB/T 2260 code."""
from __future__ import annotations

import pytest

from models.reference.places import resolve_place


@pytest.mark.parametrize("text,expected", [
    ("北京市朝阳区", "110105"),
    ("朝阳区", "110105"),            # Beijing's, not 长春's: where the programme's workers go
    ("北京朝阳", "110000"),          # 朝阳 alone is no county name: the province is what is sure
    ("北京市丰台区某物业公司", "110106"),
    ("呼和浩特市", "150100"),
    ("呼市", "150100"),
    ("包头", "150200"),
    ("鄂尔多斯市东胜区", "150602"),
    ("赤峰市红山区", "150402"),
    ("浙江省宁波市", "330200"),
    ("广东深圳", "440300"),
    ("上海", "310000"),
    ("区内", "150000"),
    ("本县", "150921"),
    ("鼓楼区", None),                # six cities have one: unknown rather than guessed
    ("区外", None),
    ("", None),
    (None, None),
])
def test_place_text_resolves_to_the_most_specific_unambiguous_division(text, expected):
    assert resolve_place(text, home_county="150921") == expected


def test_home_words_need_the_workers_county():
    assert resolve_place("本县", home_county=None) is None
