"""The retry policy: which failures are worth another attempt, and how long to wait.

Pure functions over :mod:`insta_nb.errors`, so the policy is tested without HTTP.
The rules follow ``shared/research/client-anchors.md`` §2.3: anything never sent and
any 429 is retried; any other failure after sending (timeout, dropped connection, any
5xx, 503 included since it may follow an applied request) is retried only for
idempotent requests: a create is never sent blind twice. The service reconciles it.
"""

from __future__ import annotations

import enum
import random

from insta_nb import errors

__all__ = ["Verdict", "backoff", "counts_as_outage", "verdict"]


class Verdict(enum.Enum):
    SUCCESS = "success"
    RETRY = "retry"
    FAIL = "fail"


def verdict(
    error: BaseException,
    *,
    idempotent: bool,
    maybe_applied: bool,
    not_found_ok: bool,
) -> Verdict:
    """What to do after ``error`` ended an attempt."""
    if maybe_applied and not_found_ok and isinstance(error, errors.NotFoundError):
        return Verdict.SUCCESS
    # No 409 counterpart: 409 also means "being deleted", so a conflicting add is checked
    # by the service against a fresh list, never assumed done here.
    if isinstance(error, errors.RateLimitedError):
        return Verdict.RETRY
    if isinstance(error, errors.ConnectError):
        return Verdict.RETRY
    retryable_if_idempotent = isinstance(
        error, errors.TransportError | errors.ServerError | errors.UnexpectedResponseError
    )
    if retryable_if_idempotent and idempotent:
        return Verdict.RETRY
    return Verdict.FAIL


def counts_as_outage(error: BaseException) -> bool:
    """Failures that say "the API is unreachable", which feed the circuit breaker."""
    return isinstance(error, errors.TransportError | errors.ServerError)


def backoff(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Full-jitter exponential backoff, never shorter than ``base``.

    ``attempt`` counts failures so far (1 after the first). The floor keeps even the
    first retry from beating the pacing interval; jitter keeps kernels from
    synchronising into bursts.
    """
    ceiling = min(cap, base * (2 ** min(attempt, 30)))
    return max(base, rng.uniform(0.0, ceiling))
