"""Rules an employer's registration must meet: the unified social credit code
(统一社会信用代码, GB 32100) that identifies a company.

The contact phone may be a mobile (the worker's rule) or a landline with its area code, as
companies give them (010-65001234, 0471-6601234-8021); the district is a region-code check
(``models.reference.region_codes``).
"""
from __future__ import annotations

import re

from stdnum import exceptions as stdnum_exc
from stdnum.cn import uscc

from models.errors import RuleViolation
from models.workers.rules import check_phone

# 3-digit area codes (010 Beijing, 02X) have 8-digit numbers; 4-digit ones (0471 Hohhot) 7 or 8.
_LANDLINE = re.compile(r"^(0(?:10|2\d))([2-9]\d{7})$|^(0[3-9]\d{2})([2-9]\d{6,7})$")
_EXTENSION = re.compile(r"^\d{1,6}$")
_EXT_MARK = re.compile(r"转|ext\.?", re.IGNORECASE)


def check_uscc(value: str) -> str:
    """A valid 18-character USCC with its check character; returns it normalised."""
    try:
        return uscc.validate(value or "")
    except stdnum_exc.InvalidChecksum:
        raise RuleViolation("统一社会信用代码校验位错误 / The USCC check character is wrong") from None
    except stdnum_exc.ValidationError:
        raise RuleViolation("统一社会信用代码应为18位有效字符 / A USCC has 18 valid characters") from None


def normalize_uscc(value: str) -> str:
    """The USCC as stored and looked up: upper case, without spaces or dashes — so that
    91110105ma01abcd2x and 91110105-MA01ABCD2X are one company, not two."""
    return uscc.compact(value or "")


def check_contact_phone(value: str) -> str:
    """A mobile number, or a landline as ``0AA(A)-NNNNNNN(N)`` with an optional extension;
    returned normalised (``010-65001234``, ``0471-6601234-8021``)."""
    try:
        return check_phone(value)
    except RuleViolation:
        pass
    text = re.sub(r"[\s()（）]", "", (value or "").replace("+86", ""))
    main, _, ext = _EXT_MARK.sub("\x00", text, count=1).partition("\x00")
    readings = [(main, ext)] if ext or "-" not in main else [(main, ""), tuple(main.rsplit("-", 1))]
    for number, extension in readings:
        m = _LANDLINE.match(number.replace("-", ""))
        if m and (not extension or _EXTENSION.match(extension)):
            area, local = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            return f"{area}-{local}" + (f"-{extension}" if extension else "")
    raise RuleViolation("联系电话应为手机号或带区号的座机号（如 010-65001234）/ Must be a "
                        "mainland mobile number or a landline with its area code (e.g. 010-65001234)")
