"""Cell converters: spreadsheet values (text, numbers, dates, Chinese labels) → API fields.

Each converter takes the raw cell (``str``/``int``/``float``/``datetime``/``None``) and returns
the value the API schema expects, or raises ``CellError`` with a bilingual message. A blank
cell becomes ``None`` and the field is left out, so the schema's defaults and "required"
rules apply exactly as for a JSON request.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from models.reference import gbt2260
from models.workers.rules import training_wish_of
from seed.taxonomy import normalize, resolve_occupation, resolve_skills, too_broad

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


class Fields(dict):
    """A converter's answer that fills several schema fields at once (培训意愿 → the code and
    the words it was read from); ``rows.convert`` merges it into the row's data."""


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def shown(raw: Any) -> str:
    """A cell as the clerk typed it (for the report: the value she will look for)."""
    if isinstance(raw, str):
        return raw.strip()
    return as_text(raw)


def as_text(raw: Any) -> str:
    """Any cell as text; integral floats lose their '.0' (Excel stores 5000 as 5000.0).
    Full-width digits, letters and spaces fold to ASCII (NFKC) and stray spaces go: rosters
    are typed with a Chinese input method and pasted from other sheets."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    value = str(raw)
    return (value if value.isascii() else unicodedata.normalize("NFKC", value)).strip()


def text(raw: Any) -> str:
    return as_text(raw)


_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff·])\s+(?=[\u3400-\u9fff·])")


def verbatim(raw: Any) -> str:
    """Free text kept as the clerk wrote it (备注): only the surrounding white space goes; no
    width folding, which would turn her ，into , ."""
    return raw.strip() if isinstance(raw, str) else as_text(raw)


def training_wish(raw: Any) -> Fields:
    """培训意愿 as a roster writes it (是, 否, 电焊培训, 暂不需要): the code and the words, both kept."""
    words = verbatim(raw)
    if len(words) > 128:
        raise CellError("培训意愿最多128个字 / At most 128 characters")
    return Fields(training_wish=training_wish_of(words), training_wish_text=words)


def name(raw: Any) -> str:
    """A person's name: spaces a clerk typed between Chinese characters (张 三) go."""
    return _CJK_SPACE.sub("", as_text(raw))


def phone(raw: Any) -> str:
    """A phone as text: full-width digits, spaces and dashes normalised (the schema checks it)."""
    return re.sub(r"[\s-]", "", as_text(raw))


EXCEL_NUMBER_ADVICE = ("身份证号被Excel存成了数字（科学计数法，只保留15位有效数字，末几位已丢失），请将该列设为“文本”"
                       "格式后重新填写 / Excel stored the ID number as a number (scientific notation, 15 "
                       "significant digits: the last digits are lost); format the ID column as Text (store "
                       "the numbers as text) and enter them again")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")


def id_text(raw: Any) -> str:
    """ID numbers must be text cells: a number cell keeps only 15 significant digits, and a CSV
    saved by Excel carries the number in scientific notation (1.50921E+17)."""
    if isinstance(raw, float) or (isinstance(raw, int) and len(str(raw)) > 15):
        raise CellError(EXCEL_NUMBER_ADVICE)
    value = re.sub(r"\s+", "", as_text(raw)).upper()
    if _SCIENTIFIC.match(value):
        raise CellError(EXCEL_NUMBER_ADVICE)
    return value


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
    cleaned = value.replace(",", "").replace("，", "")
    for suffix in ("元/月", "元每月", "元", "/月"):
        cleaned = cleaned.removesuffix(suffix)
    cleaned = cleaned.strip()
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


EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's serial dates (1900 system, its 1900-02-29 bug included)."""
_SERIALS = range(1, 2958466)  # 1900-01-01 … 9999-12-31
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:份)?$")
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")


def _serial(raw: Any) -> date | None:
    """An Excel serial date (45292 = 2024-01-01): a date cell a CSV or a lost format left as a number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)) and float(raw).is_integer() and int(raw) in _SERIALS:
        return EXCEL_EPOCH + timedelta(days=int(raw))
    if isinstance(raw, str) and re.fullmatch(r"\d{5}(\.0+)?", raw.strip()):
        return EXCEL_EPOCH + timedelta(days=int(float(raw)))
    return None


def _iso(y: int, m: int, d: int) -> str:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        raise CellError("日期不存在 / Not a valid date") from None


def day(raw: Any) -> str:
    """A date cell, an Excel serial number, or text like 2026-03-01, 2026/3/1, 2026年3月1日,
    20260301 → ISO text for the schema."""
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if (serial := _serial(raw)) is not None:
        return serial.isoformat()
    value = as_text(raw)
    if value.startswith("="):
        raise CellError(FORMULA_HINT)
    m = _DATE.match(value) or _COMPACT.match(value)
    if not m:
        raise CellError("日期格式应为 YYYY-MM-DD / Dates must look like YYYY-MM-DD")
    return _iso(int(m[1]), int(m[2]), int(m[3]))


def day_or_month(raw: Any) -> str:
    """As ``day``, also a month alone (2023年3月, 2023.03, 202303) → its first day: rosters record
    when someone went out to work (外出务工时间) to the month."""
    if not isinstance(raw, (date, datetime)) and _serial(raw) is None:
        value = as_text(raw)
        m = _MONTH.match(value) or _COMPACT_MONTH.match(value)
        if m:
            return _iso(int(m[1]), int(m[2]), 1)
    return day(raw)


def birth_day(raw: Any) -> tuple[int, int | None, int | None]:
    """A 出生日期 cell as (year, month, day) to the precision given: 1985-03-07, 1985.03, 198503."""
    if not isinstance(raw, (date, datetime)) and _serial(raw) is None:
        value = as_text(raw)
        if re.fullmatch(r"\d{4}\s*年?", value):
            return int(value[:4]), None, None
        m = _MONTH.match(value) or _COMPACT_MONTH.match(value)
        if m:
            return int(m[1]), int(m[2]), None
    y, m_, d = (int(p) for p in day(raw).split("-"))
    return y, m_, d


SEX_LABELS = {"M": ("男", "男性", "m", "male"), "F": ("女", "女性", "f", "female")}


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
        raise CellError(too_broad(value) or f"无法识别的工种：{value} / Unrecognised occupation: {value}")
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
    if broad := [m for part in unmatched if (m := too_broad(part))]:
        raise CellError("；".join(broad))
    if unmatched:
        raise CellError(f"无法识别的工种：{'、'.join(unmatched)} / Unrecognised occupation: {', '.join(unmatched)}")
    return out


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_EXPERIENCE_ITEM = re.compile(
    r"^(?P<name>.+?)\s*[（(:：]?\s*(?:从业|工作|干了|做了)?\s*(?P<num>\d+(?:\.\d+)?|[一二两三四五六七八九十]+|半)"
    r"\s*(?P<unit>年半|年|个月|月|years?|yrs?|months?)\s*[）)]?$", re.IGNORECASE)


def _chinese_number(text: str) -> float | None:
    """一 … 九十九 (and 半 = 0.5) as a number; None for anything else."""
    if text == "半":
        return 0.5
    if text.isascii():
        return float(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
            return None
        return float(_CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0))
    return float(_CN_DIGITS[text]) if text in _CN_DIGITS else None


def work_experience(raw: Any) -> list[dict[str, Any]]:
    """'保安员3年；保洁员1.5年' → [{occupation_code, years: 3}, {…, years: 1.5}].

    Also 保安员（3年）, 保安员:3年, 保安员三年, 保安员半年, 保安员2年半, 保安员6个月. An item without a
    duration or naming no known occupation is an error for the cell, never dropped.
    """
    out: list[dict[str, Any]] = []
    unmatched: list[str] = []
    for item in split_outside_brackets(as_text(raw)):
        m = _EXPERIENCE_ITEM.match(item)
        number = _chinese_number(m["num"]) if m else None
        code = resolve_occupation(m["name"].strip()) if m else None
        if m is None or number is None or code is None:
            unmatched.append(item)
            continue
        unit = m["unit"].lower()
        years = number / 12 if unit.startswith(("个月", "月", "month")) else number + (0.5 if unit == "年半" else 0)
        out.append({"occupation_code": code, "years": round(years, 1)})
    if unmatched:
        raise CellError(f"无法识别的从业经历：{'、'.join(unmatched)}（应写作 工种+年限，如 保安员3年） / "
                        f"Unrecognised work experience: {', '.join(unmatched)} (write occupation and years, "
                        f"e.g. 保安员3年)")
    return out


def skill_codes(raw: Any) -> list[str]:
    return [s["code"] for s in skills(raw)]


def required_skills(raw: Any) -> list[dict[str, Any]]:
    """Posting requirements: the note gives the minimum level and whether a certificate is required."""
    renamed = {"level": "min_level", "certified": "certificate_required"}
    return [{renamed.get(k, k): v for k, v in s.items()} for s in skills(raw)]
