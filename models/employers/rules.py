"""Rules an employer's registration must meet: the unified social credit code
(统一社会信用代码, GB 32100) that identifies a company.

The contact phone follows the worker's phone rule (``models.workers.rules.check_phone``);
the district is a region-code check (``models.reference.region_codes``).
"""
from __future__ import annotations

from stdnum import exceptions as stdnum_exc
from stdnum.cn import uscc

from models.errors import RuleViolation


def check_uscc(value: str) -> str:
    """A valid 18-character USCC with its check character; returns it normalised."""
    try:
        return uscc.validate(value or "")
    except stdnum_exc.InvalidChecksum:
        raise RuleViolation("统一社会信用代码校验位错误 / The USCC check character is wrong") from None
    except stdnum_exc.ValidationError:
        raise RuleViolation("统一社会信用代码应为18位有效字符 / A USCC has 18 valid characters") from None
