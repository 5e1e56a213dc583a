"""Where credentials come from besides arguments: the ``INSTACLUSTR_*`` variables and keyring.

Both readers hand back the key already masked and never raise while they hold the raw
value, so no frame of a traceback shows it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from insta_nb.credentials.secret import Secret, mask
from insta_nb.errors import ConfigurationError

__all__ = [
    "ENV_API_KEY",
    "ENV_API_URL",
    "ENV_READ_ONLY",
    "ENV_USERNAME",
    "KEYRING_SERVICE",
    "EnvValues",
    "from_keyring",
]

ENV_USERNAME = "INSTACLUSTR_USERNAME"
ENV_API_KEY = "INSTACLUSTR_API_KEY"
ENV_API_URL = "INSTACLUSTR_API_URL"
ENV_READ_ONLY = "INSTACLUSTR_READ_ONLY"
#: Service name under which keys are looked up in the optional ``keyring``.
KEYRING_SERVICE = "insta_nb"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def _flag(value: str | None, name: str) -> bool | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be 1/true or 0/false, not {value!r}")


@dataclass(frozen=True)
class EnvValues:
    """The ``INSTACLUSTR_*`` variables, read without any check that could raise.

    :meth:`read` never raises, so that no frame holding the environment (which holds
    the raw key) is ever part of a traceback; checks run on the extracted values.
    """

    username: str | None
    api_key: Secret | None
    api_url: str | None
    read_only_text: str | None

    @staticmethod
    def read(environ: Mapping[str, str]) -> EnvValues:
        """The variables in ``environ``, the key masked at once. Never raises."""
        return EnvValues(
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


def from_keyring(username: str | None) -> tuple[str | None, Secret | None]:
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
