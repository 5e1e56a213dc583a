"""Who we are to the API: :class:`Credentials`, checked on construction and resolved from
arguments, then the environment, then the optional keyring.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from insta_nb.config import DEFAULT_API_URL
from insta_nb.credentials.checks import check_api_url, check_key, check_username
from insta_nb.credentials.registry import REGISTRY
from insta_nb.credentials.secret import Secret, mask
from insta_nb.credentials.sources import (
    ENV_API_KEY,
    ENV_USERNAME,
    KEYRING_SERVICE,
    EnvValues,
    from_keyring,
)
from insta_nb.errors import ConfigurationError

__all__ = ["Credentials"]


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
        check_key(self.api_key)
        check_username(self.username)
        object.__setattr__(self, "api_url", check_api_url(self.api_url))
        if not isinstance(self.read_only, bool):
            raise ConfigurationError("read_only must be True or False")
        REGISTRY.add(self.api_key, self.username)

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
        found = EnvValues.read(environ)
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
        env = EnvValues.read(os.environ)
        username = username if username is not None else env.username
        api_key = api_key if api_key is not None else env.api_key
        if api_key is None or username is None:
            found_user, found_key = from_keyring(username)
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
