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
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
import logging
import os
import re
import secrets
import threading
import urllib.parse
import weakref
from collections.abc import AsyncGenerator, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import httpx

from insta_nb.config import DEFAULT_API_URL
from insta_nb.errors import ConfigurationError, set_redactor

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

ENV_USERNAME = "INSTACLUSTR_USERNAME"
ENV_API_KEY = "INSTACLUSTR_API_KEY"
ENV_API_URL = "INSTACLUSTR_API_URL"
ENV_READ_ONLY = "INSTACLUSTR_READ_ONLY"
#: Service name under which keys are looked up in the optional ``keyring``.
KEYRING_SERVICE = "insta_nb"

_MASK = "********"
_REDACTED = "[redacted]"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})
#: Loggers whose records may carry request details. A logger's filters only see records
#: created on that very logger (not those propagated from children), so
#: :func:`install_log_redaction` also covers every existing descendant.
_REDACTED_LOGGERS = ("insta_nb", "httpx", "httpcore")
#: httpcore creates these when its modules are imported, which httpx may do lazily;
#: creating them first means httpcore later receives the logger that has our filter.
_KNOWN_CHILD_LOGGERS = (
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


class Secret:
    """A string that never shows itself: ``Secret('********', fp=3f2a)``.

    ``fp`` is the first four hex digits of the key's SHA-256, enough to tell two keys
    apart and far too little to learn anything about one. The value is kept XOR-ed
    with a random pad, so even a debugger listing the object's slots sees no key.
    Pickling is refused; copying returns the same (immutable) object.

    Args:
        value: The raw secret. Wrap it as soon as it is read; keep only the ``Secret``.

    Raises:
        TypeError: ``value`` is not a ``str`` (or a ``Secret``). Refused in ``__new__``,
            before any object exists, so no half-built ``Secret`` reaches a traceback.
    """

    __slots__ = ("__weakref__", "_fp", "_pad", "_sealed")

    _fp: str
    _pad: bytes
    _sealed: bytes

    def __new__(cls, value: str | Secret) -> Secret:
        if isinstance(value, _NotText):
            return value
        if isinstance(value, Secret):
            copied = object.__new__(cls)
            copied._seal(value._fp, value._pad, value._sealed)
            return copied
        if not isinstance(value, str):
            kind = type(value).__name__
            # From here on no frame of ours holds the raw value (verbose tracebacks show locals).
            del value
            raise TypeError(f"a Secret holds a str, not {kind}")
        data = value.encode("utf-8", "surrogatepass")
        del value
        pad = secrets.token_bytes(len(data))
        sealed = bytes(a ^ b for a, b in zip(data, pad, strict=True))
        fingerprint = hashlib.sha256(data).hexdigest()[:4]
        del data
        secret = object.__new__(cls)
        secret._seal(fingerprint, pad, sealed)
        return secret

    def _seal(self, fingerprint: str, pad: bytes, sealed: bytes) -> None:
        object.__setattr__(self, "_fp", fingerprint)
        object.__setattr__(self, "_pad", pad)
        object.__setattr__(self, "_sealed", sealed)
        if sealed:
            _REGISTRY.add(self)

    @property
    def fingerprint(self) -> str:
        """Four hex digits that identify the key without revealing it."""
        return self._fp

    def reveal(self) -> str:
        """The raw value. Only the auth calls this, inside one expression."""
        return self._raw().decode("utf-8", "surrogatepass")

    def _raw(self) -> bytes:
        return bytes(a ^ b for a, b in zip(self._sealed, self._pad, strict=True))

    def __bool__(self) -> bool:
        return bool(getattr(self, "_sealed", b""))

    def __repr__(self) -> str:
        # getattr: never raise, even for an object whose construction was interrupted.
        fingerprint = getattr(self, "_fp", None)
        return f"Secret({_MASK!r}, fp={fingerprint})" if fingerprint else f"Secret({_MASK!r})"

    def __str__(self) -> str:
        return _MASK

    def __format__(self, format_spec: str) -> str:
        return format(_MASK, format_spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._raw(), other._raw())

    def __hash__(self) -> int:
        return hash(("Secret", getattr(self, "_fp", None)))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Secret is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("Secret is immutable")

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        raise TypeError("a Secret cannot be pickled: store the key in the environment or keyring")

    def __getstate__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled: store the key in the environment or keyring")


class _NotText(Secret):
    """What :func:`mask` makes of a key that is not text: empty, and refused with its type.

    :func:`mask` never raises, so that a caller whose parameter holds the raw value can
    replace it with a mask before anything can fail; :class:`Credentials` then refuses
    this marker with a :class:`~insta_nb.errors.ConfigurationError` naming the type.
    """

    __slots__ = ("_kind",)

    _kind: str

    def __repr__(self) -> str:
        return f"Secret(<not text: {getattr(self, '_kind', '?')}>)"


def _not_text(kind: str) -> Secret:
    marker = object.__new__(_NotText)
    marker._seal("----", b"", b"")
    object.__setattr__(marker, "_kind", kind)
    return marker


def mask(value: object) -> Secret | None:
    """Wrap a raw API key at once; make this the first statement of any function given one.

    Every frame's locals are printed by verbose tracebacks (``%xmode Verbose``,
    ``capture_locals=True``), so a function that receives a raw key should rebind its
    parameter, ``api_key = mask(api_key)``, before anything can raise. This call never
    raises: ``None`` stays ``None``, a :class:`Secret` is returned as is, a ``str`` is
    wrapped, and anything else becomes an empty marker that :class:`Credentials` refuses
    with a :class:`~insta_nb.errors.ConfigurationError` naming its type.

    Args:
        value: The raw key (or ``None``, or a ``Secret``).

    Returns:
        A :class:`Secret` (or ``None``), never holding more than the mask in its repr.
    """
    if value is None or isinstance(value, Secret):
        return value
    if isinstance(value, str):
        return Secret(value)
    return _not_text(type(value).__name__)


# --- the weak registry behind log redaction ---------------------------------------------------


class _Registry:
    """Live secrets and the usernames they were used with. Holds no strong reference."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[weakref.ref[Secret], frozenset[str]]] = {}
        #: Keys of collected secrets, purged under the lock later. The weakref callback
        #: may run inside a garbage collection triggered while this thread holds the
        #: lock, so it must neither take the lock nor change the dict itself.
        self._dead: list[int] = []

    def _purge(self) -> None:
        while self._dead:
            key = self._dead.pop()
            entry = self._entries.get(key)
            if entry is not None and entry[0]() is None:  # the id may have been reused
                del self._entries[key]

    def add(self, secret: Secret, username: str | None = None) -> None:
        key = id(secret)
        dead = self._dead

        def forget(_: weakref.ref[Secret], key: int = key) -> None:
            dead.append(key)  # atomic; no lock (see _dead)

        with self._lock:
            self._purge()
            entry = self._entries.get(key)
            if entry is not None and entry[0]() is secret:
                users = entry[1] | ({username} if username else set())
                self._entries[key] = (entry[0], users)
            else:
                self._entries[key] = (
                    weakref.ref(secret, forget),
                    frozenset(filter(None, [username])),
                )

    def live(self) -> list[tuple[Secret, frozenset[str]]]:
        with self._lock:
            self._purge()
            entries = list(self._entries.values())
        out = []
        for ref, users in entries:
            secret = ref()
            if secret is not None:
                out.append((secret, users))
        return out


_REGISTRY = _Registry()


def _encodings(data: bytes) -> Iterator[str]:
    """``data`` in base64 as a header, a URL or a JWT-style token would carry it."""
    for encoded in (base64.b64encode(data), base64.urlsafe_b64encode(data)):
        text = encoded.decode("ascii")
        yield text
        yield text.rstrip("=")


def _needles() -> Iterator[str]:
    """Every form of every live key that must not be shown.

    The raw key, JSON-escaped and percent-encoded; the key and every ``user:key`` pair
    it was used with in base64 (standard and URL-safe, with and without padding), which
    is what a server echoing the ``Authorization`` header shows.
    """
    for secret, users in _REGISTRY.live():
        raw = secret._raw()
        if not raw:
            continue
        text = raw.decode("utf-8", "surrogatepass")
        yield text
        yield json.dumps(text)[1:-1]
        yield json.dumps(text, ensure_ascii=False)[1:-1]
        yield urllib.parse.quote_from_bytes(raw, safe="")
        yield from _encodings(raw)
        for user in users:
            yield from _encodings(user.encode("utf-8") + b":" + raw)


#: Needles shorter than this are only replaced as whole tokens: a test key such as ``"k"``
#: must not blank out every ``k`` of every message (real keys are 32 characters).
_SHORT = 8


def redact(text: str) -> str:
    """``text`` with every known key (raw, escaped, base64, ``user:key`` base64) replaced."""
    for needle in sorted(set(_needles()), key=len, reverse=True):
        if needle not in text:
            continue
        if len(needle) >= _SHORT:
            text = text.replace(needle, _REDACTED)
        else:
            token = rf"(?<![A-Za-z0-9]){re.escape(needle)}(?![A-Za-z0-9])"
            text = re.sub(token, _REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that removes every live key from a record. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            cleaned = redact(text)
            # Only pre-format when needed, so custom formatters still format clean records.
            if cleaned != text:
                record.exc_text = cleaned
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Attach the redacting filter to the ``insta_nb``, ``httpx`` and ``httpcore`` loggers.

    Idempotent and cheap. Also covers every existing descendant logger (filters do not
    apply to records propagated from children), so it is called again whenever an
    :class:`~insta_nb.client.ApiClient` is built.
    """
    manager = logging.Logger.manager
    names = {*_REDACTED_LOGGERS, *_KNOWN_CHILD_LOGGERS}
    for name in list(manager.loggerDict):
        if any(name.startswith(root + ".") for root in _REDACTED_LOGGERS):
            names.add(name)
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


install_log_redaction()
# Every error the toolkit raises passes its message and body through the same redaction.
set_redactor(redact)


# --- credentials ------------------------------------------------------------------------------


def _flag(value: str | None, name: str) -> bool | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be 1/true or 0/false, not {value!r}")


def _check_username(username: object) -> str:
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


def _check_key(key: Secret | None) -> Secret:
    """``key`` if it can be sent. Its only local is the mask, so it may raise freely."""
    if isinstance(key, _NotText):
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


def _check_api_url(api_url: object) -> str:
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


@dataclass(frozen=True, init=False)
class Credentials:
    """Who we are to the API. Its repr shows the username and the key's mask only.

    A plain ``str`` key is accepted and wrapped in a :class:`Secret` before anything
    else happens, so no frame of the constructor holds the raw key when a check fails.

    Attributes:
        username: The Instaclustr user name.
        api_key: The provisioning (or read-only) API key, masked.
        api_url: Base URL of the API, without ``/provisioning/v1``.
        read_only: The key can only read; mutations are refused locally.

    Raises:
        ConfigurationError: A value is empty or malformed (the message never shows the key).
    """

    username: str
    api_key: Secret
    api_url: str = DEFAULT_API_URL
    read_only: bool = False

    def __init__(
        self,
        username: str,
        api_key: str | Secret,
        api_url: str = DEFAULT_API_URL,
        read_only: bool = False,
    ) -> None:
        # First statement: from here on this frame's ``api_key`` is the mask.
        api_key = mask(api_key)  # type: ignore[assignment]
        # Every field is set before any check, so the repr of ``self`` works in a traceback.
        object.__setattr__(self, "username", username)
        object.__setattr__(self, "api_key", api_key)
        object.__setattr__(self, "api_url", api_url)
        object.__setattr__(self, "read_only", read_only)
        _check_key(self.api_key)
        _check_username(self.username)
        object.__setattr__(self, "api_url", _check_api_url(self.api_url))
        if not isinstance(self.read_only, bool):
            raise ConfigurationError("read_only must be True or False")
        _REGISTRY.add(self.api_key, self.username)

    @property
    def fingerprint(self) -> str:
        """The key's fingerprint, to show which key is in use."""
        return self.api_key.fingerprint

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Credentials | None:
        """Credentials from ``INSTACLUSTR_*`` variables, or ``None`` if none are set.

        Raises:
            ConfigurationError: Only one of username and key is set, or a value is malformed.
        """
        found = _EnvValues.read(environ)
        # The mapping holds the raw key: drop it before anything here can raise.
        del environ
        read_only = found.read_only()
        if found.username is None and found.api_key is None:
            return None
        if found.username is None or found.api_key is None:
            missing = ENV_USERNAME if found.username is None else ENV_API_KEY
            raise ConfigurationError(f"{missing} is not set (the other credential variable is)")
        return cls(
            username=found.username,
            api_key=found.api_key,
            api_url=found.api_url or DEFAULT_API_URL,
            read_only=bool(read_only),
        )

    @classmethod
    def resolve(
        cls,
        username: str | None = None,
        api_key: str | Secret | None = None,
        api_url: str | None = None,
        read_only: bool | None = None,
    ) -> Credentials | None:
        """Credentials from arguments, else the environment, else the optional keyring.

        Each value is taken from the first source that has it. Returns ``None`` when
        nothing is configured anywhere (the toolkit then uses its simulator). A raw
        ``api_key`` is masked by the first statement, so no frame shows it in a verbose
        traceback; callers that received it as a parameter should do the same
        (``api_key = mask(api_key)``) before calling this.

        Raises:
            ConfigurationError: A username without a key or a key without a username, or
                a malformed value.
        """
        # First statement: from here on this frame's ``api_key`` is the mask.
        api_key = mask(api_key)
        env = _EnvValues.read(os.environ)
        username = username if username is not None else env.username
        api_key = api_key if api_key is not None else env.api_key
        if api_key is None or username is None:
            found_user, found_key = _from_keyring(username)
            username = username if username is not None else found_user
            api_key = api_key if api_key is not None else found_key
        if username is None and api_key is None:
            return None
        if username is None:
            raise ConfigurationError(f"an API key was given but no username (set {ENV_USERNAME})")
        if api_key is None:
            raise ConfigurationError(
                f"no API key for {username!r}: pass api_key, set {ENV_API_KEY}, "
                f"or store it with keyring under the service {KEYRING_SERVICE!r}"
            )
        if read_only is None:
            read_only = bool(env.read_only())
        return cls(
            username=username,
            api_key=api_key,
            api_url=api_url or env.api_url or DEFAULT_API_URL,
            read_only=read_only,
        )


@dataclass(frozen=True)
class _EnvValues:
    """The ``INSTACLUSTR_*`` variables, read without any check that could raise.

    :meth:`read` never raises, so that no frame holding the environment (which holds
    the raw key) is ever part of a traceback; checks run on the extracted values.
    """

    username: str | None
    api_key: Secret | None
    api_url: str | None
    read_only_text: str | None

    @staticmethod
    def read(environ: Mapping[str, str]) -> _EnvValues:
        return _EnvValues(
            username=environ.get(ENV_USERNAME) or None,
            api_key=mask(environ.get(ENV_API_KEY) or None),
            api_url=environ.get(ENV_API_URL) or None,
            read_only_text=environ.get(ENV_READ_ONLY),
        )

    def read_only(self) -> bool | None:
        """``INSTACLUSTR_READ_ONLY`` as a flag (``None`` when unset).

        Raises:
            ConfigurationError: The variable is set to something other than a flag.
        """
        return _flag(self.read_only_text, ENV_READ_ONLY)


def _from_keyring(username: str | None) -> tuple[str | None, Secret | None]:
    """(username, key) from the optional keyring; (None, None) when it is absent or fails."""
    try:
        keyring: Any = importlib.import_module("keyring")
    except ImportError:
        return None, None
    try:
        if username is not None:
            return username, mask(keyring.get_password(KEYRING_SERVICE, username))
        credential = keyring.get_credential(KEYRING_SERVICE, None)
        if credential is None or not credential.username:
            return None, None
        return str(credential.username), mask(credential.password)
    except Exception:  # headless Linux has no backend (NoKeyringError); any failure = absent
        return None, None


# --- auth -------------------------------------------------------------------------------------


def _basic_value(username: str, api_key: Secret) -> str:
    # One expression: the raw key never sits in a named local of any frame.
    return "Basic " + base64.b64encode(username.encode("utf-8") + b":" + api_key._raw()).decode(
        "ascii"
    )


class ApiKeyAuth(httpx.Auth):
    """HTTP Basic auth built per request from a :class:`Secret`.

    Unlike ``httpx.BasicAuth`` it keeps no ready-made header value, and it removes the
    header from the request once the exchange ends (the request stays reachable from
    responses and httpx exceptions).
    """

    def __init__(self, username: str, api_key: Secret) -> None:
        if not isinstance(api_key, Secret):
            api_key = None  # drop a raw key before raising: tracebacks show locals
            raise TypeError("ApiKeyAuth needs a Secret")
        self._username = _check_username(username)
        self._api_key = api_key
        _REGISTRY.add(api_key, username)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = _basic_value(self._username, self._api_key)
        try:
            yield request
        finally:
            request.headers.pop("Authorization", None)

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        yield from self.auth_flow(request)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = _basic_value(self._username, self._api_key)
        try:
            yield request
        finally:
            request.headers.pop("Authorization", None)

    def __repr__(self) -> str:
        return f"ApiKeyAuth(username={self._username!r}, api_key={self._api_key!r})"
