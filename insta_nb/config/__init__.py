"""Every default in one place, and the settings objects that carry them.

Stdlib only, and :mod:`insta_nb.errors` for its errors. Values are for the real API;
tests and benchmarks scale ``interval`` down (e.g. 0.25 s) and every other time-based
default is expressed relative to it where that matters.

Settings from arguments and the environment are checked here, once, with errors that
name the setting: a NaN or infinite interval compares false with every limit and
would leave the engine waiting forever.

Modules: ``defaults`` (every default and variable name), ``env`` (numbers and choices
from arguments and the environment), ``state_dir``, ``engine_settings``,
``service_settings``.
"""

from __future__ import annotations

from insta_nb.config.defaults import (
    DEFAULT_ADDRESS_ECHO_URL,
    DEFAULT_ADDRESS_LOOKUP_TIMEOUT,
    DEFAULT_API_URL,
    DEFAULT_INTERVAL,
    ENV_ADDRESS_ECHO_URL,
    ENV_API,
    ENV_INTERVAL,
    ENV_SIM_SPEED,
    ENV_STATE_DIR,
    ENV_V2_PACE,
    V2_DOCUMENTED_INTERVAL,
    V2_PACES,
)

# Not in ``__all__``, but imported from here by the engine, the backends and tests.
from insta_nb.config.defaults import DEFAULT_MAX_RESPONSE_BYTES as DEFAULT_MAX_RESPONSE_BYTES
from insta_nb.config.defaults import DEFAULT_REQUEST_TIMEOUT as DEFAULT_REQUEST_TIMEOUT
from insta_nb.config.defaults import DEFAULT_RETRY_BUDGET as DEFAULT_RETRY_BUDGET
from insta_nb.config.engine_settings import EngineSettings
from insta_nb.config.env import (
    check_interval,
    check_number,
    number_from_env,
    resolve_api,
    resolve_interval,
    resolve_v2_pace,
)
from insta_nb.config.service_settings import ServiceSettings
from insta_nb.config.state_dir import check_state_dir, default_state_dir

__all__ = [
    "DEFAULT_ADDRESS_ECHO_URL",
    "DEFAULT_ADDRESS_LOOKUP_TIMEOUT",
    "DEFAULT_API_URL",
    "DEFAULT_INTERVAL",
    "ENV_ADDRESS_ECHO_URL",
    "ENV_API",
    "ENV_INTERVAL",
    "ENV_SIM_SPEED",
    "ENV_STATE_DIR",
    "ENV_V2_PACE",
    "V2_DOCUMENTED_INTERVAL",
    "V2_PACES",
    "EngineSettings",
    "ServiceSettings",
    "check_interval",
    "check_number",
    "check_state_dir",
    "default_state_dir",
    "number_from_env",
    "resolve_api",
    "resolve_interval",
    "resolve_v2_pace",
]
