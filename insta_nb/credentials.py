"""Credentials that never show themselves: a masked secret, loading, auth and log redaction.

A notebook keeps everything it prints: reprs, f-strings, log lines and (with
``%xmode Verbose``) the local variables of every frame in a traceback. So the API key
lives in a :class:`Secret` from the moment it enters the toolkit; every repr, ``str``
and ``format`` of it shows a mask and a short fingerprint, never a character of the
key. Only :class:`ApiKeyAuth` calls :meth:`Secret.reveal`, per request, and removes
the ``Authorization`` header from the request again as soon as the exchange is over.

Loading order (:meth:`Credentials.resolve`): explicit argument → environment
(``INSTACLUSTR_USERNAME``, ``INSTACLUSTR_API_KEY``, ``INSTACLUSTR_API_URL``,
``INSTACLUSTR_READ_ONLY``) → the optional ``keyring`` package (service ``insta_nb``).

:class:`RedactingFilter` is a last line of defence for logs: it replaces every live
key, and the base64 ``user:key`` form a Basic header carries, in records of the
``insta_nb``, ``httpx`` and ``httpcore`` loggers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import logging
import os
import secrets
import threading
import weakref
from collections.abc import AsyncGenerator, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import httpx

from insta_nb.config import DEFAULT_API_URL
from insta_nb.errors import ConfigurationError

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
    """

    __slots__ = ("__weakref__", "_fp", "_pad", "_sealed")

    _fp: str
    _pad: bytes
    _sealed: bytes

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            object.__setattr__(self, "_fp", value._fp)
            object.__setattr__(self, "_pad", value._pad)
            object.__setattr__(self, "_sealed", value._sealed)
            _REGISTRY.add(self)
            return
        if not isinstance(value, str):
            kind = type(value).__name__
            del value
            raise TypeError(f"a Secret holds a str, not {kind}")
        data = value.encode("utf-8", "surrogatepass")
        # From here on no frame of ours holds the raw text (verbose tracebacks show locals).
        del value
        pad = secrets.token_bytes(len(data))
        object.__setattr__(self, "_fp", hashlib.sha256(data).hexdigest()[:4])
        object.__setattr__(self, "_pad", pad)
        object.__setattr__(self, "_sealed", bytes(a ^ b for a, b in zip(data, pad, strict=True)))
        del data
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
        return bool(self._sealed)

    def __repr__(self) -> str:
        return f"Secret({_MASK!r}, fp={self._fp})"

    def __str__(self) -> str:
        return _MASK

    def __format__(self, format_spec: str) -> str:
        return format(_MASK, format_spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._raw(), other._raw())

    def __hash__(self) -> int:
        return hash(("Secret", self._fp))

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


def _as_secret(value: str | Secret | None) -> Secret | None:
    """Wrap a raw value at once, so the caller's frame only ever holds the mask."""
    if value is None or isinstance(value, Secret):
        return value
    return Secret(value)


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


def _needles() -> Iterator[str]:
    """Every form of every live key that must not reach a log: raw, base64, Basic pair."""
    for secret, users in _REGISTRY.live():
        raw = secret._raw()
        if not raw:
            continue
        yield raw.decode("utf-8", "surrogatepass")
        yield base64.b64encode(raw).decode("ascii")
        for user in users:
            yield base64.b64encode(user.encode("utf-8") + b":" + raw).decode("ascii")


def redact(text: str) -> str:
    """``text`` with every known key (raw, base64, ``user:key`` base64) replaced."""
    for needle in sorted(set(_needles()), key=len, reverse=True):
        if needle in text:
            text = text.replace(needle, _REDACTED)
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


def _check_api_url(api_url: object) -> str:
    # Messages never echo the URL: a pasted URL may carry ``user:password@``.
    if not isinstance(api_url, str):
        raise ConfigurationError("the API URL must be a string")
    try:
        url = httpx.URL(api_url)
    except Exception:  # httpx.InvalidURL and friends
        raise ConfigurationError("the API URL is not a valid URL") from None
    if url.scheme not in {"http", "https"} or not url.host:
        raise ConfigurationError("the API URL must be an http(s) URL with a host")
    if url.userinfo:
        raise ConfigurationError(
            f"the API URL may not contain credentials: use {ENV_USERNAME} and {ENV_API_KEY}"
        )
    if url.query or url.fragment:
        raise ConfigurationError("the API URL may not have a query or fragment")
    return api_url.rstrip("/")


@dataclass(frozen=True)
class Credentials:
    """Who we are to the API. Its repr shows the username and the key's mask only.

    Attributes:
        username: The Instaclustr user name.
        api_key: The provisioning (or read-only) API key, masked.
        api_url: Base URL of the API, without ``/provisioning/v1``.
        read_only: The key can only read; mutations are refused locally.
    """

    username: str
    api_key: Secret
    api_url: str = DEFAULT_API_URL
    read_only: bool = False

    def __post_init__(self) -> None:
        key = self.api_key
        if not isinstance(key, Secret):
            # Accept a plain str at run time, but wrap it before anything else happens.
            key = _as_secret(key)
            object.__setattr__(self, "api_key", key)
        if not isinstance(key, Secret) or not key:
            raise ConfigurationError("the Instaclustr API key is empty")
        _check_username(self.username)
        object.__setattr__(self, "api_url", _check_api_url(self.api_url))
        if not isinstance(self.read_only, bool):
            raise ConfigurationError("read_only must be True or False")
        if any(c < 32 or c == 127 for c in key._raw()):
            raise ConfigurationError("the Instaclustr API key contains control characters")
        _REGISTRY.add(key, self.username)

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
        if found.username is None and found.api_key is None:
            return None
        if found.username is None or found.api_key is None:
            missing = ENV_USERNAME if found.username is None else ENV_API_KEY
            raise ConfigurationError(f"{missing} is not set (the other credential variable is)")
        return cls(
            username=found.username,
            api_key=found.api_key,
            api_url=found.api_url or DEFAULT_API_URL,
            read_only=bool(found.read_only),
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
        nothing is configured anywhere (the toolkit then uses its simulator).

        Raises:
            ConfigurationError: A username without a key or a key without a username.
        """
        api_key = _as_secret(api_key)
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
        return cls(
            username=username,
            api_key=api_key,
            api_url=api_url or env.api_url or DEFAULT_API_URL,
            read_only=read_only if read_only is not None else bool(env.read_only),
        )


@dataclass(frozen=True)
class _EnvValues:
    username: str | None
    api_key: Secret | None
    api_url: str | None
    read_only: bool | None

    @staticmethod
    def read(environ: Mapping[str, str]) -> _EnvValues:
        return _EnvValues(
            username=environ.get(ENV_USERNAME) or None,
            api_key=_as_secret(environ.get(ENV_API_KEY) or None),
            api_url=environ.get(ENV_API_URL) or None,
            read_only=_flag(environ.get(ENV_READ_ONLY), ENV_READ_ONLY),
        )


def _from_keyring(username: str | None) -> tuple[str | None, Secret | None]:
    """(username, key) from the optional keyring; (None, None) when it is absent or fails."""
    try:
        keyring: Any = importlib.import_module("keyring")
    except ImportError:
        return None, None
    try:
        if username is not None:
            return username, _as_secret(keyring.get_password(KEYRING_SERVICE, username))
        credential = keyring.get_credential(KEYRING_SERVICE, None)
        if credential is None or not credential.username:
            return None, None
        return str(credential.username), _as_secret(credential.password)
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
        self._username = _check_username(username)
        if not isinstance(api_key, Secret):
            raise TypeError("ApiKeyAuth needs a Secret")
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
