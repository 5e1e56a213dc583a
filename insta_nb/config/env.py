"""Settings from arguments and the environment, checked once with errors that name the setting.

A NaN or infinite interval compares false with every limit and would leave the engine
waiting forever, so numbers are refused unless finite and above zero.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from insta_nb.config.defaults import ENV_API, ENV_INTERVAL, ENV_SIM_SPEED, ENV_V2_PACE, V2_PACES
from insta_nb.errors import ConfigurationError

__all__ = [
    "check_interval",
    "check_number",
    "number_from_env",
    "resolve_api",
    "resolve_interval",
    "resolve_v2_pace",
]

#: What a variable's number means, for its error, when it is not a number of seconds.
_WHAT = {ENV_SIM_SPEED: "a speed factor"}


def check_number(value: object, setting: str, *, what: str = "a number of seconds") -> float:
    """``value`` as a finite ``float`` above zero.

    Args:
        value: A number, or the text of an environment variable.
        setting: The name the user knows the value by (an argument or a variable), used
            in the error.
        what: What the number means, for the error.

    Raises:
        ConfigurationError: ``value`` is not a number, not finite, or not above zero.
    """
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float
            number = None
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or number <= 0:
        shown = repr(value)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        raise ConfigurationError(f"{setting} must be {what} above 0 (finite), not {shown}")
    return number


def check_interval(value: object, setting: str = "interval") -> float:
    """An interval in seconds, finite and above zero; errors name ``setting``.

    Raises:
        ConfigurationError: The value is negative, zero, NaN, infinite or not a number.
    """
    return check_number(value, setting)


def number_from_env(name: str, environ: Mapping[str, str] | None = None) -> float | None:
    """A numeric setting (``INSTA_NB_INTERVAL``, ``INSTA_NB_SIM_SPEED``) from the environment.

    Returns ``None`` when the variable is unset or empty.

    Raises:
        ConfigurationError: The variable is set to anything but a finite number above 0.
    """
    text = (os.environ if environ is None else environ).get(name)
    if text is None or not text.strip():
        return None
    return check_number(text, name, what=_WHAT.get(name, "a number of seconds"))


def resolve_interval(
    interval: float | None, environ: Mapping[str, str] | None = None
) -> float | None:
    """The interval asked for: the argument, else ``INSTA_NB_INTERVAL``, else ``None``.

    Raises:
        ConfigurationError: The one that applies is not a finite number above 0; the
            message names ``interval`` or ``INSTA_NB_INTERVAL``.
    """
    if interval is not None:
        return check_interval(interval, "interval")
    return number_from_env(ENV_INTERVAL, environ)


def _choice(value: object, setting: str, choices: tuple[str, ...]) -> str:
    text = value.strip().lower() if isinstance(value, str) else value
    if text not in choices:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise ConfigurationError(f"{setting} must be one of {', '.join(choices)}, not {shown}")
    assert isinstance(text, str)
    return text


def resolve_api(
    api: str | None, choices: tuple[str, ...], environ: Mapping[str, str] | None = None
) -> str:
    """The API asked for: the argument, else ``INSTACLUSTR_API``, else ``"v1"``.

    Raises:
        ConfigurationError: Naming ``api`` or ``INSTACLUSTR_API``, for a value not in
            ``choices``.
    """
    if api is not None:
        return _choice(api, "api", choices)
    text = (os.environ if environ is None else environ).get(ENV_API, "")
    return _choice(text, ENV_API, choices) if text.strip() else "v1"


def resolve_v2_pace(pace: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The v2 pace asked for: the argument, else ``INSTA_NB_V2_PACE``, else ``"shared"``.

    Raises:
        ConfigurationError: Naming ``v2_pace`` or ``INSTA_NB_V2_PACE``, for another value.
    """
    if pace is not None:
        return _choice(pace, "v2_pace", V2_PACES)
    text = (os.environ if environ is None else environ).get(ENV_V2_PACE, "")
    return _choice(text, ENV_V2_PACE, V2_PACES) if text.strip() else "shared"
