"""Whole-number parts that print exactly as a printed figure.

The bulletin prints ratios, not their parts. To rebuild a printed `92.12%` from records we need a
numerator and denominator whose ratio *prints* as `92.12%` under the pipeline's own rule: half-up
to 2 decimals (`pct2`), truncated whole percent (`floor0`, table 18) or half-up to 3 decimals
(`dec3`, cases per head). Everything here is exact decimal arithmetic, never floats.
"""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

MODES = ("pct2", "floor0", "dec3")
_NONE = {"-", "--", ""}


def printed_value(text: str, mode: str) -> Fraction | None:
    """The exact value a printed figure stands for (`92.12%` → 0.9212), or None for `-`/`--`.

    `100%` is read as `100.00%` (tables 7 and 17 print some full values that way).
    """
    t = text.strip()
    if t in _NONE:
        return None
    if t.endswith("%"):
        return Fraction(Decimal(t[:-1])) / 100
    if mode in ("pct2", "floor0"):
        raise ValueError(f"{text!r} is not a percentage")
    return Fraction(Decimal(t))


def _quantum(mode: str) -> tuple[Fraction, str]:
    if mode == "pct2":
        return Fraction(1, 10000), ROUND_HALF_UP
    if mode == "floor0":
        return Fraction(1, 100), ROUND_FLOOR
    if mode == "dec3":
        return Fraction(1, 1000), ROUND_HALF_UP
    raise ValueError(f"unknown mode {mode!r}; one of {MODES}")


def render(n: int, d: int, mode: str) -> Fraction | None:
    """n/d quantised as the pipeline prints it (as an exact value), None when d = 0."""
    if d == 0:
        return None
    q, rounding = _quantum(mode)
    steps = Fraction(n, d) / q
    if rounding == ROUND_HALF_UP:
        steps += Fraction(1, 2)
    return (steps.numerator // steps.denominator) * q


def prints_as(n: int, d: int, text: str, mode: str = "pct2") -> bool:
    """Does n/d print as `text`?"""
    return render(n, d, mode) == printed_value(text, mode)


def _interval(text: str, mode: str) -> tuple[Fraction, Fraction, bool]:
    """[lo, hi) of the ratios that print as `text` (hi inclusive when the bool is True)."""
    v = printed_value(text, mode)
    if v is None:
        raise ValueError("a dash has no ratio interval")
    q, rounding = _quantum(mode)
    if rounding == ROUND_FLOOR:
        return v, v + q, False
    return v - q / 2, v + q / 2, False


def numerator_range(text: str, d: int, mode: str = "pct2", share: bool = True) -> tuple[int, int] | None:
    """[lo, hi] of the whole numerators n with n/d printing as `text`; None for a dash, d ≤ 0 or
    no such n. With `share` (a part of a whole: online cases of cases, …) n never exceeds d,
    even where `100.00%` would admit d + 1 over a large d."""
    if d <= 0 or printed_value(text, mode) is None:
        return None
    lo, hi, _ = _interval(text, mode)
    a = max(math.ceil(lo * d), 0)
    b = math.ceil(hi * d) - 1
    if share:
        b = min(b, d)
    return (a, b) if a <= b else None


def denominator_range(text: str, n: int, mode: str = "pct2") -> tuple[int, int] | None:
    """[lo, hi] of the whole denominators d ≥ 1 with n/d printing as `text` (n > 0), or None."""
    lo, hi, _ = _interval(text, mode)
    a = max(math.floor(n / hi) + 1, 1)
    b = math.floor(n / lo) if lo > 0 else 10**15
    return (a, b) if a <= b else None


def render_text(n: int, d: int, mode: str = "pct2") -> str:
    """n/d as the pipeline prints it: `92.12%`, `36%` (floor0), `3.071`, or `-` when d = 0."""
    v = render(n, d, mode)
    if v is None:
        return "-"
    if mode == "pct2":
        k = int(v * 10000)
        return f"{k // 100}.{k % 100:02d}%"
    if mode == "floor0":
        return f"{int(v * 100)}%"
    k = int(v * 1000)
    return f"{k // 1000}.{k % 1000:03d}"


def numerator_for(text: str, d: int, mode: str = "pct2") -> int | None:
    """The numerator closest to the printed value for a fixed denominator, or None if none prints so."""
    r = numerator_range(text, d, mode, share=False)
    if r is None:
        return None
    nearest = math.ceil(printed_value(text, mode) * d - Fraction(1, 2))  # ties: the lower
    return min(max(nearest, r[0]), r[1])


def fraction_near(
    text: str, approx_den: int, mode: str = "pct2", min_den: int = 1, max_den: int | None = None
) -> tuple[int, int]:
    """(n, d) printing as `text` with d as close to `approx_den` as possible, min_den ≤ d ≤ max_den.

    Searches outward from approx_den; ties go to the larger denominator. Raises ValueError when
    no denominator in range works (e.g. `33.33%` needs d ≥ 3, `0.01%` needs d ≥ 6667).
    """
    approx = max(int(approx_den), min_den)
    if max_den is not None:
        approx = min(approx, max_den)
        if max_den < min_den:
            raise ValueError(f"empty range [{min_den}, {max_den}] for {text!r}")
    limit = max_den if max_den is not None else max(approx * 4, 200_000)
    for step in range(0, max(limit - min_den, approx) + 1):
        for d in (approx + step, approx - step):
            if d < min_den or d > limit or d <= 0:
                continue
            n = numerator_for(text, d, mode)
            if n is not None:
                return n, d
    raise ValueError(f"no n/d with {min_den} ≤ d ≤ {limit} prints as {text!r} ({mode})")
