"""What a username, an API key and an API URL must be before anything is sent.

Messages never echo a key or a URL (a pasted URL may carry ``user:password@``), and the
key checks run on the mask alone, so they may raise freely.
"""

from __future__ import annotations

import httpx

from insta_nb.credentials.secret import NotText, Secret
from insta_nb.credentials.sources import ENV_API_KEY, ENV_USERNAME
from insta_nb.errors import ConfigurationError

__all__ = ["check_api_url", "check_key", "check_username"]


def check_username(username: object) -> str:
    """``username`` if it can go into a Basic header (no ``:``, no control characters)."""
    if not isinstance(username, str) or not username.strip():
        raise ConfigurationError("the Instaclustr username is empty")
    if ":" in username or any(ord(c) < 32 or ord(c) == 127 for c in username):
        raise ConfigurationError(
            "the Instaclustr username may not contain ':' or control characters"
        )
    return username


def _has_control_characters(key: Secret) -> bool:
    return any(c < 32 or c == 127 for c in key._raw())


def _ends_with_line_break(key: Secret) -> bool:
    return key._raw()[-1:] in (b"\n", b"\r")


def check_key(key: Secret | None) -> Secret:
    """``key`` if it can be sent. Its only local is the mask, so it may raise freely."""
    if isinstance(key, NotText):
        raise ConfigurationError(f"the Instaclustr API key must be a str, not {key._kind}")
    if not isinstance(key, Secret) or not key:
        raise ConfigurationError("the Instaclustr API key is empty")
    if _has_control_characters(key):
        hint = (
            ": it ends with a line break (read from a file? strip it)"
            if _ends_with_line_break(key)
            else ""
        )
        raise ConfigurationError(f"the Instaclustr API key contains control characters{hint}")
    return key


def check_api_url(api_url: object) -> str:
    """``api_url`` without its trailing ``/``, if it is an http(s) URL with no credentials."""
    # Messages never echo the URL: a pasted URL may carry ``user:password@``.
    if not isinstance(api_url, str):
        raise ConfigurationError("the API URL must be a string")
    try:
        url = httpx.URL(api_url)
    except Exception:  # httpx.InvalidURL and friends
        raise ConfigurationError("the API URL is not a valid URL") from None
    if url.userinfo:
        # Drop both locals first: a verbose traceback would print the password in them.
        del url, api_url
        raise ConfigurationError(
            f"the API URL may not contain credentials: use {ENV_USERNAME} and {ENV_API_KEY}"
        )
    if url.scheme not in {"http", "https"} or not url.host:
        raise ConfigurationError("the API URL must be an http(s) URL with a host")
    if url.query or url.fragment:
        raise ConfigurationError("the API URL may not have a query or fragment")
    return api_url.rstrip("/")
