"""Kubernetes resource quantities, parsed and normalised.

``"1000m"`` and ``"1"`` are the same CPU; ``"1024Mi"`` and ``"1Gi"`` the same
memory. Values are compared as exact integers (millicores, bytes) so that no
float rounding can make two equal quantities differ.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_NUMBER = r"(?P<num>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_CPU_RE = re.compile(rf"^{_NUMBER}(?P<suffix>m?)$")
_MEM_RE = re.compile(rf"^{_NUMBER}(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}


class QuantityError(ValueError):
    """The text is not a Kubernetes quantity of the expected kind."""


def cpu_millicores(text: str) -> int:
    """Parse a CPU quantity (``"500m"``, ``"0.5"``, ``"2"``) into millicores."""
    match = _CPU_RE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise QuantityError(f"{text!r} is not a Kubernetes CPU quantity")
    value = _decimal(match["num"], text)
    milli = value if match["suffix"] == "m" else value * 1000
    if milli != milli.to_integral_value():
        raise QuantityError(f"{text!r} is finer than one millicore")
    return int(milli)


def memory_bytes(text: str) -> int:
    """Parse a memory quantity (``"512Mi"``, ``"1G"``, ``"1073741824"``) into bytes."""
    match = _MEM_RE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise QuantityError(f"{text!r} is not a Kubernetes memory quantity")
    value = _decimal(match["num"], text)
    suffix = match["suffix"] or ""
    factor = _BINARY.get(suffix) or _DECIMAL.get(suffix) or 1
    total = value * factor
    if total != total.to_integral_value():
        raise QuantityError(f"{text!r} is not a whole number of bytes")
    return int(total)


def normalize_cpu(text: str) -> str:
    """Canonical spelling: whole cores as ``"2"``, otherwise millicores ``"500m"``."""
    milli = cpu_millicores(text)
    return str(milli // 1000) if milli % 1000 == 0 else f"{milli}m"


def normalize_memory(text: str) -> str:
    """Canonical spelling: the largest binary suffix that divides exactly, else bytes."""
    size = memory_bytes(text)
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        factor = _BINARY[suffix]
        if size and size % factor == 0:
            return f"{size // factor}{suffix}"
    return str(size)


def _decimal(number: str, original: str) -> Decimal:
    try:
        return Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise QuantityError(f"{original!r} is not a number") from exc
