"""Declarative environments: :class:`EnvironmentSpec`, read from TOML with every key checked.

``spec`` holds the spec and its TOML layout (the module docstring shows a whole file),
``reader`` the typed reading of one table, ``peerings`` the ``[[peerings]]`` tables.
Vocabulary only: nothing here sends a request.
"""

from __future__ import annotations

from insta_nb.environment_spec.spec import (
    DEFAULT_TIMEOUT,
    EnvironmentSpec,
    load_environment,
    toml_key_for,
)

__all__ = ["DEFAULT_TIMEOUT", "EnvironmentSpec", "load_environment", "toml_key_for"]
