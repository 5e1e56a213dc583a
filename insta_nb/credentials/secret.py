"""The masked secret: a key that never shows itself in a repr, a format or a pickle.

:func:`mask` wraps a raw key and never raises, so a function given one can make it the
first statement and no frame of a failing call holds the raw key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, NoReturn

from insta_nb.credentials.registry import REGISTRY

__all__ = ["NotText", "Secret", "mask"]

_MASK = "********"


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
        if isinstance(value, NotText):
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
            REGISTRY.add(self)

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


class NotText(Secret):
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
    marker = object.__new__(NotText)
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
