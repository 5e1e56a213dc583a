"""HTTP Basic authentication against the simulator's username and two keys.

Unknown usernames and wrong keys get the same answer, decided in constant time, so
that a client cannot learn which usernames exist.
"""

from __future__ import annotations

import enum
import hmac
from base64 import b64decode

from insta_nb.simulator.settings import SimulatorCredentials

__all__ = ["Access", "authenticate"]


class Access(enum.Enum):
    """What a request's credentials allow."""

    NONE = "none"
    READ_ONLY = "read_only"
    FULL = "full"


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def authenticate(header: str | None, credentials: SimulatorCredentials) -> Access:
    """The access that an ``Authorization`` header value grants."""
    if not header:
        return Access.NONE
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic":
        return Access.NONE
    try:
        decoded = b64decode(token.strip(), validate=True).decode("utf-8")
    except ValueError:  # bad base64 (binascii.Error), non-ASCII text, bad UTF-8
        return Access.NONE
    username, sep, key = decoded.partition(":")
    if not sep:
        return Access.NONE
    # Compare everything every time: the answer's timing says nothing about which part
    # was wrong.
    user_ok = _same(username, credentials.username)
    full = _same(key, credentials.api_key)
    read_only = _same(key, credentials.read_only_key)
    if user_ok and full:
        return Access.FULL
    if user_ok and read_only:
        return Access.READ_ONLY
    return Access.NONE
