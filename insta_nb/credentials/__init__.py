"""Credentials that never show themselves: a masked secret, loading, auth and log redaction.

A notebook keeps everything it prints: reprs, f-strings, log lines and (with
``%xmode Verbose``) the local variables of every frame in a traceback. So the API key
lives in a :class:`Secret` from the moment it enters the toolkit; every repr, ``str``
and ``format`` of it shows a mask and a short fingerprint, never a character of the
key. Only :class:`ApiKeyAuth` calls :meth:`Secret.reveal`, per request, and removes
the ``Authorization`` header from the request again as soon as the exchange is over.
Every function that is handed a raw key rebinds it with :func:`mask` as its first
statement, and checks run in helpers whose only local is the ``Secret``, so no frame
of a failing call holds the raw key.

Loading order (:meth:`Credentials.resolve`): explicit argument → environment
(``INSTACLUSTR_USERNAME``, ``INSTACLUSTR_API_KEY``, ``INSTACLUSTR_API_URL``,
``INSTACLUSTR_READ_ONLY``) → the optional ``keyring`` package (service ``insta_nb``).

:func:`redact` is the last line of defence: it replaces every live key, escaped, in
base64 and in the base64 ``user:key`` form a Basic header carries. It runs on records
of the ``insta_nb``, ``httpx`` and ``httpcore`` loggers (:class:`RedactingFilter`) and,
installed into :mod:`insta_nb.errors`, on the message and body of every error the
toolkit raises (a server may echo the request's headers in an error body).

Modules: ``secret`` (:class:`Secret`, :func:`mask`), ``registry`` (the live keys
redaction hides), ``redaction``, ``sources`` (environment, keyring), ``checks``
(username, key, URL), ``account`` (:class:`Credentials`), ``auth`` (:class:`ApiKeyAuth`).
"""

from __future__ import annotations

from insta_nb.credentials.account import Credentials
from insta_nb.credentials.auth import ApiKeyAuth
from insta_nb.credentials.redaction import RedactingFilter, install_log_redaction, redact

# Private, but kept under its old name: the GC tests look into the registry of live keys.
from insta_nb.credentials.registry import REGISTRY as _REGISTRY  # noqa: F401
from insta_nb.credentials.secret import Secret, mask
from insta_nb.credentials.sources import (
    ENV_API_KEY,
    ENV_API_URL,
    ENV_READ_ONLY,
    ENV_USERNAME,
    KEYRING_SERVICE,
)

__all__ = [
    "ENV_API_KEY",
    "ENV_API_URL",
    "ENV_READ_ONLY",
    "ENV_USERNAME",
    "KEYRING_SERVICE",
    "ApiKeyAuth",
    "Credentials",
    "RedactingFilter",
    "Secret",
    "install_log_redaction",
    "mask",
    "redact",
]
