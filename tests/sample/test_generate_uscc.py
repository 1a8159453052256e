"""The GB 32100 / GB 11714 check characters used by the generator."""

from __future__ import annotations

import pytest

from zwfw_sample.uscc import (
    USCC_CHARSET,
    is_valid_uscc,
    make_uscc,
    org_code_check_char,
    uscc_check_char,
)

# Real, published codes.
VALID = [
    "91350100M000100Y43",  # the example of GB 32100-2015
    "914403001922038216",  # 华为技术有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
]


@pytest.mark.parametrize("code", VALID)
def test_real_codes_are_valid(code):
    assert is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", VALID)
def test_any_other_check_character_is_invalid(code):
    for c in USCC_CHARSET:
        if c != code[17]:
            assert not is_valid_uscc(code[:17] + c)


@pytest.mark.parametrize(
    "bad", [None, "", "91350100M000100Y4", "91350100M000100Y433", "91350100M000100I43", "91350100m000100Y43", 91350100]
)
def test_malformed_codes_are_invalid(bad):
    assert not is_valid_uscc(bad)


def test_org_code_check_char_standard_example():
    assert org_code_check_char("D2143569") == "X"  # GB 11714-1997's example D2143569-X


def test_make_uscc_is_valid_and_structured():
    code = make_uscc("11", "410100", "00166584")
    assert is_valid_uscc(code)
    assert code.startswith("11410100") and code[16] == org_code_check_char("00166584")
