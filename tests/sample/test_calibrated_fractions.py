"""Exact parts for printed figures: what the calibrated generator relies on."""

from __future__ import annotations

import pytest

from zwfw_sample.calibrated.fractions import fraction_near, numerator_for, prints_as, render


@pytest.mark.parametrize(
    ("n", "d", "text", "mode", "ok"),
    [
        (2216, 2229, "99.42%", "pct2", True),  # 0.994168… rounds to 99.42
        (2216, 2229, "99.41%", "pct2", False),
        (9212, 10000, "92.12%", "pct2", True),
        (18425, 20000, "92.13%", "pct2", True),  # exactly 0.92125: half-up
        (1, 3, "33.33%", "pct2", True),
        (1, 1, "100%", "pct2", True),  # tables 7 and 17 print 100% for 100.00%
        (0, 0, "-", "pct2", True),
        (0, 0, "--", "pct2", True),
        (0, 5, "-", "pct2", False),
        (154, 60, "256%", "floor0", True),  # 256.67%: truncated, where rounding gives 257%
        (154, 60, "257%", "floor0", False),
        (38, 104, "36%", "floor0", True),
        (29197, 9508, "3.071", "dec3", True),
        (3, 4, "0.75", "dec3", True),  # a per-head figure printed without its trailing zero
    ],
)
def test_prints_as(n, d, text, mode, ok):
    assert prints_as(n, d, text, mode) is ok


def test_render_is_exact_not_float():
    # 0.92125 is not representable in binary; float rounding would give 92.12
    assert render(18425, 20000, "pct2") * 10000 == 9213


def test_numerator_for_fixed_denominator():
    assert numerator_for("86.90%", 84) == 73
    assert numerator_for("0.00%", 5) == 0
    assert numerator_for("100.00%", 7) == 7
    assert numerator_for("50.00%", 3) is None  # 1/3 and 2/3 miss 50%
    assert numerator_for("28%", 104, "floor0") == 30
    assert numerator_for("86.90%", 0) is None


def test_fraction_near_prefers_the_closest_denominator():
    n, d = fraction_near("92.12%", 10000)
    assert (n, d) == (9212, 10000)
    n, d = fraction_near("33.33%", 1)
    assert (n, d) == (1, 3)
    n, d = fraction_near("0.01%", 1)
    assert d >= 5000 and prints_as(n, d, "0.01%")
    n, d = fraction_near("1.254", 734, "dec3")
    assert abs(d - 734) <= 2 and prints_as(n, d, "1.254", "dec3")


def test_fraction_near_respects_bounds():
    with pytest.raises(ValueError, match="prints as"):
        fraction_near("50.00%", 3, min_den=3, max_den=3)
    n, d = fraction_near("50.00%", 3, min_den=3, max_den=6)
    assert d in (4, 6) or d == 2 * n
