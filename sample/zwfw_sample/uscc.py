"""统一社会信用代码 (GB 32100-2015) and 组织机构代码 (GB 11714-1997) check characters.

Pure functions, no dependencies: the generator uses them to mint valid codes (and, on purpose,
a few invalid ones), and anyone may import them to check a code.
"""

from __future__ import annotations

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 3^(i-1) mod 31 for positions 1..17

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given."""
    if len(first17) != 17:
        raise ValueError(f"need 17 characters, got {len(first17)}: {first17!r}")
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS))
    except KeyError as e:
        raise ValueError(f"character {e.args[0]!r} is not allowed in a USCC") from None
    c = 31 - total % 31
    return USCC_CHARSET[0 if c == 31 else c]


def is_valid_uscc(code: object) -> bool:
    """True when `code` is 18 characters of the USCC charset with the right check character."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(c not in _USCC_VALUE for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def org_code_check_char(first8: str) -> str:
    """The 9th character of a 组织机构代码 (digits and upper-case letters; A = 10 … Z = 35)."""
    if len(first8) != 8:
        raise ValueError(f"need 8 characters, got {len(first8)}: {first8!r}")
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(registry: str, region_code: str, org_body: str) -> str:
    """A valid USCC: 登记管理部门+机构类别 (2), region (6), org code body (8) + its check, check."""
    if len(registry) != 2 or len(region_code) != 6 or len(org_body) != 8:
        raise ValueError("registry: 2, region_code: 6, org_body: 8 characters")
    first17 = registry + region_code + org_body + org_code_check_char(org_body)
    return first17 + uscc_check_char(first17)
