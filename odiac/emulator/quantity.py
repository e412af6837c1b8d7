"""Kubernetes resource quantities as the gateway parses them (its own parser).

The emulator must not share this with the client: a parsing bug shared by both
would be confirmed by the emulator instead of caught. This follows the
Kubernetes grammar::

    quantity  ::= [sign] number [suffix]
    number    ::= digits | digits "." [digits] | "." digits
    suffix    ::= Ki | Mi | Gi | Ti | Pi | Ei          (powers of 1024)
                | n | u | m | k | M | G | T | P | E   (powers of 1000)
                | (e | E) [sign] digits               (power of ten)

Amounts are exact fractions, rounded up to whole millicores / bytes like
Kubernetes does. Negative amounts and amounts of 2**63 or more are refused.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

_GRAMMAR = re.compile(
    r"(?P<sign>[+-]?)(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:(?P<binary>Ki|Mi|Gi|Ti|Pi|Ei)|(?P<exponent>[eE][+-]?[0-9]{1,3})|(?P<decimal>[numkMGTPE]?))"
)
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_MAX = 2**63
_MAX_TEXT = 64


class QuantityError(ValueError):
    """Not a quantity the gateway accepts."""


def parse(text: object) -> Fraction:
    """The exact amount of a quantity string (in base units: cores, bytes)."""
    if not isinstance(text, str) or len(text) > _MAX_TEXT:
        raise QuantityError(f"{text!r} is not a quantity")
    found = _GRAMMAR.fullmatch(text)
    if found is None:
        raise QuantityError(f"{text!r} is not a quantity")
    amount = Fraction(found["number"])
    if found["binary"]:
        amount *= 2 ** _BINARY[found["binary"]]
    elif found["exponent"]:
        amount *= Fraction(10) ** int(found["exponent"][1:])
    else:
        amount *= Fraction(10) ** _DECIMAL[found["decimal"] or ""]
    if found["sign"] == "-" and amount != 0:
        raise QuantityError(f"{text!r} is negative")
    return amount


def _whole(amount: Fraction, text: str) -> int:
    value = math.ceil(amount)
    if value >= _MAX:
        raise QuantityError(f"{text!r} is too large")
    return value


def cpu_millicores(text: str) -> int:
    """A CPU quantity in millicores (``"500m"`` -> 500, ``"0.5"`` -> 500, ``"2"`` -> 2000)."""
    return _whole(parse(text) * 1000, text)


def memory_bytes(text: str) -> int:
    """A memory or storage quantity in bytes (``"1Gi"`` -> 1073741824, ``"1G"`` -> 10**9)."""
    return _whole(parse(text), text)
