"""Every default in one place, and the settings objects that carry them.

Stdlib only, and :mod:`insta_nb.errors` for its errors. Values are for the real API;
tests and benchmarks scale ``interval`` down (e.g. 0.25 s) and every other time-based
default is expressed relative to it where that matters.

Settings from arguments and the environment are checked here, once, with errors that
name the setting: a NaN or infinite interval compares false with every limit and
would leave the engine waiting forever.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from insta_nb.errors import ConfigurationError

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

#: Seconds between a response and the next request, machine-wide.
ENV_INTERVAL = "INSTA_NB_INTERVAL"
#: Lifecycle speed factor of the embedded simulator.
ENV_SIM_SPEED = "INSTA_NB_SIM_SPEED"
#: Directory of the machine-wide slot file (and create journal).
ENV_STATE_DIR = "INSTA_NB_STATE_DIR"
#: Which API a session speaks: ``v1`` (the default) or ``v2``.
ENV_API = "INSTACLUSTR_API"
#: How v2 requests are paced: ``shared`` (the default) or ``documented``.
ENV_V2_PACE = "INSTA_NB_V2_PACE"
#: ``shared``: v2 requests share the host's machine-wide budget with v1 (one host; the v1
#: limit is per IP). ``documented``: v2's own documented pace, a budget per user.
V2_PACES = ("shared", "documented")
#: v2 documents 35 requests/s per user; paced on response + interval, that is below it.
V2_DOCUMENTED_INTERVAL = 1 / 35

#: Where the real Provisioning API lives.
DEFAULT_API_URL = "https://api.instaclustr.com"
#: The API allows one request per 2.5 s per IP; we pace on response + interval.
DEFAULT_INTERVAL = 2.5
#: What Instaclustr's own clients use per request (Terraform provider, operator).
DEFAULT_REQUEST_TIMEOUT = 60.0
#: The API promises no more than "a few minutes" of outage: retry reads that long.
DEFAULT_RETRY_BUDGET = 300.0
#: Largest response body read (32 MiB): a list of 500 clusters is ~100 KiB and a cluster's
#: details a few KiB, so only a broken or hostile server comes near it (issue 10).
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024

#: Where "My address" asks which address the internet sees (insta_nb.public_address).
ENV_ADDRESS_ECHO_URL = "INSTA_NB_ADDRESS_ECHO_URL"
#: A plain-text address echo over HTTPS, run by AWS; asked only when a person clicks.
DEFAULT_ADDRESS_ECHO_URL = "https://checkip.amazonaws.com"
#: Seconds for the whole lookup: a person is waiting for the button.
DEFAULT_ADDRESS_LOOKUP_TIMEOUT = 4.0


def default_state_dir() -> Path:
    """Per-user directory for the shared slot file and the create journal.

    ``INSTA_NB_STATE_DIR`` overrides it (tests use a temporary directory). Otherwise it
    is ``.cache/insta_nb`` in the account's home directory as the password database
    has it: not ``$HOME`` and not ``$XDG_RUNTIME_DIR``, which differ between a desktop
    kernel and a cron job or ssh script of the same user, and would give them two
    budgets for one IP.
    """
    override = os.environ.get(ENV_STATE_DIR)
    if override:
        return Path(override).expanduser()
    return _account_home() / ".cache" / "insta_nb"


def _account_home() -> Path:
    try:
        import pwd

        home = pwd.getpwuid(os.getuid()).pw_dir
    except (ImportError, KeyError, AttributeError):  # Windows; a uid without an entry
        home = ""
    return Path(home) if home else Path.home()


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


def check_state_dir(directory: Path | str | None = None) -> Path:
    """The slot file's directory, created if missing and checked usable.

    Args:
        directory: The directory to check; ``None`` means :func:`default_state_dir`.

    Returns:
        The directory, as an absolute path.

    Raises:
        ConfigurationError: It is relative, cannot be created, is not a directory or is
            not writable; the message names ``INSTA_NB_STATE_DIR``.
    """
    path = default_state_dir() if directory is None else Path(directory).expanduser()
    fix = f"set {ENV_STATE_DIR} to a directory this account can write"
    if not path.is_absolute():
        # Processes started in other directories would each get a budget of their own.
        raise ConfigurationError(f"{ENV_STATE_DIR} must be an absolute path, not {str(path)!r}")
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise ConfigurationError(f"the state directory {path} is not a directory: {fix}") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigurationError(
            f"the state directory {path} cannot be created ({reason}): {fix}"
        ) from None
    if not path.is_dir():
        raise ConfigurationError(f"the state directory {path} is not a directory: {fix}")
    probe = path / f".probe-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigurationError(
            f"the state directory {path} is not writable ({reason}): {fix}"
        ) from None
    return path


#: Durations that may be zero or infinite (``inf``: no limit) but never NaN or negative.
_DURATIONS = (
    "request_timeout",
    "retry_budget",
    "backoff_cap",
    "outage_queue_limit",
    "probe_cap",
)


@dataclass(frozen=True)
class EngineSettings:
    """How the request engine paces, retries and protects the API."""

    #: Minimum seconds between a response and the next send, machine-wide.
    interval: float = DEFAULT_INTERVAL
    #: Per-attempt timeout handed to the transport.
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    #: Total seconds an idempotent request keeps retrying through errors and outages.
    retry_budget: float = DEFAULT_RETRY_BUDGET
    #: Cap of a single backoff wait (full jitter below it).
    backoff_cap: float = 60.0
    #: While the API is unreachable, a queued job not sent after this long fails clearly
    #: (the API promises outages of "a few minutes"; an hour means something else).
    outage_queue_limit: float = 3600.0
    #: Consecutive connect errors / 5xx before the circuit breaker opens.
    breaker_threshold: int = 3
    #: Longest wait between two probes while the breaker is open.
    probe_cap: float = 60.0
    #: Multiplier applied to the interval after a 429 (AIMD "multiplicative increase").
    backoff_factor_429: float = 2.0
    #: Largest interval the 429 adaptation may reach.
    max_interval: float = 30.0
    #: Clean responses needed before the widened interval decays one step back.
    decay_after: int = 5
    #: A background job waiting this many slots is promoted one class (aging).
    aging_slots: int = 8
    #: Share the slot budget with every process of this user on this machine.
    shared_slots: bool = True
    #: Directory of the slot file (``None``: :func:`default_state_dir`).
    state_dir: Path | None = None
    #: Identifies the budget: one slot file per API host.
    budget_key: str = "api.instaclustr.com"

    def __post_init__(self) -> None:
        # A NaN compares false with every limit and an infinite interval never elapses:
        # either would leave the engine waiting forever on a busy loop.
        check_interval(self.interval, "EngineSettings.interval")
        check_interval(self.max_interval, "EngineSettings.max_interval")
        factor = self.backoff_factor_429
        if (
            isinstance(factor, bool)
            or not isinstance(factor, int | float)
            or not (math.isfinite(factor) and factor >= 1)
        ):
            raise ConfigurationError(
                f"EngineSettings.backoff_factor_429 must be a finite number >= 1, not {factor!r}"
            )
        for name in _DURATIONS:
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or math.isnan(value)
                or value < 0
            ):
                raise ConfigurationError(
                    f"EngineSettings.{name} must be a number of seconds >= 0, not {value!r}"
                )

    def scaled(self, interval: float) -> EngineSettings:
        """The same policy at another interval, with time-based limits scaled alike.

        Benchmarks and loopback tests run at e.g. 0.25 s so that a run takes seconds.
        """
        k = interval / self.interval
        return replace(
            self,
            interval=interval,
            request_timeout=self.request_timeout * k,
            retry_budget=self.retry_budget * k,
            outage_queue_limit=self.outage_queue_limit * k,
            backoff_cap=self.backoff_cap * k,
            probe_cap=self.probe_cap * k,
            max_interval=self.max_interval * k,
        )

    def resolved_state_dir(self) -> Path:
        return self.state_dir if self.state_dir is not None else default_state_dir()


@dataclass(frozen=True)
class ServiceSettings:
    """How the service watches clusters and reconciles creates.

    Times are in seconds at the real API's pace; :meth:`scaled` shrinks them with the
    engine's interval for demos, tests and benchmarks.
    """

    #: Refresh period while something is changing (after a mutation, a cluster in transition).
    fast_poll: float = 5.0
    #: Refresh period when every cluster is steady (Instaclustr's own tools use 5–60 s).
    steady_poll: float = 30.0
    #: How long fast polling lasts after a mutation.
    fast_after_mutation: float = 120.0
    #: How long an ambiguous create is looked for by name before it is reported not created.
    reconcile_window: float = 180.0
    #: Period of the reconciling list calls.
    reconcile_every: float = 5.0
    #: A create of a name that any process of this machine created this recently is
    #: refused even if the API's list does not show the cluster yet.
    created_recently: float = 300.0

    def scaled(self, factor: float) -> ServiceSettings:
        return ServiceSettings(
            fast_poll=self.fast_poll * factor,
            steady_poll=self.steady_poll * factor,
            fast_after_mutation=self.fast_after_mutation * factor,
            reconcile_window=self.reconcile_window * factor,
            reconcile_every=self.reconcile_every * factor,
            created_recently=self.created_recently * factor,
        )
