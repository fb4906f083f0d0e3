"""Cell converters: spreadsheet values (text, numbers, dates, Chinese labels) → API fields.

Each converter takes the raw cell (``str``/``int``/``float``/``datetime``/``None``) and returns
the value the API schema expects, or raises ``CellError`` with a bilingual message. A blank
cell becomes ``None`` and the field is left out, so the schema's defaults and "required"
rules apply exactly as for a JSON request.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from models.reference import gbt2260
from seed.taxonomy import normalize, resolve_occupation, resolve_skills

Converter = Callable[[Any], Any]
FORMULA_HINT = "公式不会被计算，请填写数值 / Formulas are not evaluated; enter the value itself"
_LIST_SEPARATORS = re.compile(r"[、,，;；/|\n]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TRUE = {"是", "有", "需要", "要", "提供", "缴纳", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "无", "不需要", "不要", "不提供", "不缴纳", "n", "no", "false", "0", "×", "✗"}


class CellError(ValueError):
    """The cell cannot be converted; ``str(exc)`` is the bilingual message.

    A parsing concern of the roster format (a spreadsheet's text → the API's value), not a
    domain rule: ``rows.validate_rows`` catches it and files it against the row and column in
    the import report, so it never reaches ``api/errors.py``.
    """


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def as_text(raw: Any) -> str:
    """Any cell as text; integral floats lose their '.0' (Excel stores 5000 as 5000.0)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def text(raw: Any) -> str:
    return as_text(raw)


def id_text(raw: Any) -> str:
    """ID numbers must be text cells: a number cell keeps only 15 significant digits."""
    if isinstance(raw, float) or (isinstance(raw, int) and len(str(raw)) > 15):
        raise CellError("身份证号须设为文本格式（数字格式会丢失末几位） / Enter the ID number as text: "
                        "a number cell loses its last digits")
    return as_text(raw).replace(" ", "")


def integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise CellError("须为整数 / Must be a whole number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    value = as_text(raw)
    if value.startswith("="):
        raise CellError(FORMULA_HINT)
    cleaned = value.replace(",", "").replace("，", "").removesuffix("元").strip()
    if re.fullmatch(r"-?\d+", cleaned):
        return int(cleaned)
    if re.fullmatch(r"-?\d+\.0+", cleaned):
        return int(float(cleaned))
    raise CellError("须为整数 / Must be a whole number")


def boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    value = normalize(as_text(raw))
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CellError("须填写“是”或“否” / Must be 是/否 (yes/no)")


def day(raw: Any) -> str:
    """A date cell or text like 2026-03-01, 2026/3/1, 2026年3月1日 → ISO text for the schema."""
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    value = as_text(raw)
    if value.startswith("="):
        raise CellError(FORMULA_HINT)
    m = _DATE.match(value)
    if not m:
        raise CellError("日期格式应为 YYYY-MM-DD / Dates must look like YYYY-MM-DD")
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"


def labelled(labels: Mapping[str, tuple[str, ...]]) -> Converter:
    """One of a fixed set: accepts the code or any of its Chinese/English labels."""
    index = {normalize(s): code for code, spellings in labels.items() for s in (code, *spellings)}
    shown = "、".join(spellings[0] for spellings in labels.values())

    def convert(raw: Any) -> str:
        code = index.get(normalize(as_text(raw)))
        if code is None:
            raise CellError(f"取值须为 {shown} 之一 / Must be one of: {', '.join(labels)}")
        return code

    return convert


def labelled_list(labels: Mapping[str, tuple[str, ...]]) -> Converter:
    """Several labels separated by 、，,；; or /; repeats collapse."""
    one = labelled(labels)

    def convert(raw: Any) -> list[str]:
        out: list[str] = []
        for part in _LIST_SEPARATORS.split(as_text(raw)):
            if part.strip() and (code := one(part)) not in out:
                out.append(code)
        return out

    return convert


def _county_names(province: str | None) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for div in gbt2260.divisions().values():
        if div.level == "county" and div.current and (province is None or div.code.startswith(province)):
            names.setdefault(div.name, []).append(div.code)
    return names


_NAMES_BY_PROVINCE: dict[str | None, dict[str, list[str]]] = {}


def region(province: str | None, prefer: tuple[str, ...] = ()) -> Converter:
    """A county-level division by 6-digit code or by name (e.g. 卓资县); names are looked up
    within ``province`` (all provinces when None), preferring the provinces in ``prefer``."""

    def convert(raw: Any) -> str:
        value = as_text(raw).replace(" ", "")
        if re.fullmatch(r"\d{6}", value):
            return value  # the schema checks that the code is current and in the province
        if province not in _NAMES_BY_PROVINCE:
            _NAMES_BY_PROVINCE[province] = _county_names(province)
        codes = _NAMES_BY_PROVINCE[province].get(value, [])
        for p in prefer:
            preferred = [c for c in codes if c.startswith(p)]
            if preferred:
                codes = preferred
                break
        if len(codes) == 1:
            return codes[0]
        if codes:
            raise CellError(f"地名“{value}”有重名，请填写6位区划代码 / Ambiguous name; use the 6-digit code "
                            f"({', '.join(codes)})")
        raise CellError(f"未知旗县“{value}”，请填写现行旗县名称或6位区划代码 / Unknown county; use a current "
                        "county name or its 6-digit code")

    return convert


# National vocational levels (五级/初级工 … 一级/高级技师) on our 1–5 scale (1 = no grade).
_LEVELS = {"初级": 2, "初级工": 2, "五级": 2, "中级": 3, "中级工": 3, "四级": 3, "高级": 4,
           "高级工": 4, "三级": 4, "技师": 5, "二级": 5, "高级技师": 5, "一级": 5}
_CERTIFIED = {"有证", "持证", "已取证", "有证书", "持证上岗", "certified", "certificate"}
_UNCERTIFIED = {"无证", "未取证", "没有证", "uncertified"}
_SKILL_ITEM = re.compile(r"^(?P<name>[^（(]+?)\s*(?:[（(](?P<note>[^）)]*)[）)])?$")


def split_outside_brackets(value: str) -> list[str]:
    """Split on list separators that are not inside （…）, so 保安（中级，有证）stays whole."""
    parts, depth, current = [], 0, []
    for ch in value:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
        if depth == 0 and _LIST_SEPARATORS.fullmatch(ch):
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _skill_note(note: str) -> tuple[int | None, bool | None, list[str]]:
    level, certified, unknown = None, None, []
    for word in _LIST_SEPARATORS.split(note or ""):
        key = normalize(word)
        if not key:
            continue
        if key in _LEVELS:
            level = _LEVELS[key]
        elif m := re.fullmatch(r"(?:level|lv|等级)\s*([1-5])", key):
            level = int(m[1])
        elif key in _CERTIFIED:
            certified = True
        elif key in _UNCERTIFIED:
            certified = False
        else:
            unknown.append(word.strip())
    return level, certified, unknown


def skills(raw: Any) -> list[dict[str, Any]]:
    """'保安（中级，有证）;电工' → [{code: security, level: 3, certified: True}, {code: electrician}].

    Text that names no skill in the vocabulary is an error for the cell, never dropped.
    """
    out: list[dict[str, Any]] = []
    unmatched: list[str] = []
    for item in split_outside_brackets(as_text(raw)):
        m = _SKILL_ITEM.match(item)
        name, note = (m["name"], m["note"]) if m else (item, None)
        codes, missed = resolve_skills([name])
        level, certified, unknown = _skill_note(note or "")
        if missed or unknown:
            unmatched.append(item)
            continue
        entry: dict[str, Any] = {"code": codes[0]}
        if level is not None:
            entry["level"] = level
        if certified is not None:
            entry["certified"] = certified
        out.append(entry)
    if unmatched:
        raise CellError(f"无法识别的技能：{'、'.join(unmatched)} / Unrecognised skill: {', '.join(unmatched)}")
    return out


def occupation(raw: Any) -> str:
    value = as_text(raw)
    code = resolve_occupation(value)
    if code is None:
        raise CellError(f"无法识别的工种：{value} / Unrecognised occupation: {value}")
    return code


def occupations(raw: Any) -> list[str]:
    out: list[str] = []
    unmatched: list[str] = []
    for part in _LIST_SEPARATORS.split(as_text(raw)):
        part = part.strip()
        if not part:
            continue
        code = resolve_occupation(part)
        if code is None:
            unmatched.append(part)
        elif code not in out:
            out.append(code)
    if unmatched:
        raise CellError(f"无法识别的工种：{'、'.join(unmatched)} / Unrecognised occupation: {', '.join(unmatched)}")
    return out


def skill_codes(raw: Any) -> list[str]:
    return [s["code"] for s in skills(raw)]


def required_skills(raw: Any) -> list[dict[str, Any]]:
    """Posting requirements: the note gives the minimum level and whether a certificate is required."""
    renamed = {"level": "min_level", "certified": "certificate_required"}
    return [{renamed.get(k, k): v for k, v in s.items()} for s in skills(raw)]
