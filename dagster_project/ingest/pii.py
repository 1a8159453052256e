"""Pseudonymisation of personal data: HMAC-SHA256 computed set-based inside DuckDB.

DuckDB core has sha256 but no HMAC. Rather than an ad-hoc `sha256(key || value)` (open to
length extension and not a standard construction), the SQL builds real HMAC-SHA256 (RFC 2104):
    HMAC(K, m) = H((K0 ⊕ opad) || H((K0 ⊕ ipad) || m))
with the two derived pads computed in Python and passed as bound BLOB parameters, never as
SQL text, so the key appears in no statement, error message or warehouse object. The result
equals Python's `hmac.new(key, m, sha256).hexdigest()`, which `pseudonymise` is: tests and
downstream tools can recompute a hash from a known value and the key.
"""

from __future__ import annotations

import hashlib
import hmac

BLOCK = 64  # SHA-256 block size in bytes

# Names of the bound parameters the SQL expression uses.
IPAD_PARAM = "pii_ipad"
OPAD_PARAM = "pii_opad"


def pseudonymise(value: str | None, key: str) -> str | None:
    """Hex HMAC-SHA256 of the (already normalised) value; None stays None."""
    if value is None:
        return None
    return hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()


def pads(key: str) -> dict[str, bytes]:
    """The bound parameters for `hmac_sql`."""
    k = key.encode("utf-8")
    if len(k) > BLOCK:
        k = hashlib.sha256(k).digest()
    k = k.ljust(BLOCK, b"\0")
    return {
        IPAD_PARAM: bytes(b ^ 0x36 for b in k),
        OPAD_PARAM: bytes(b ^ 0x5C for b in k),
    }


def hmac_sql(value_sql: str) -> str:
    """SQL for the hex HMAC of a VARCHAR expression (NULL stays NULL)."""
    return f"sha256(${OPAD_PARAM} || unhex(sha256(${IPAD_PARAM} || encode({value_sql}))))"
