"""Every default value and the name of every environment variable the toolkit reads.

Values are for the real API; tests and benchmarks scale ``interval`` down (e.g. 0.25 s)
and every other time-based default is expressed relative to it where that matters.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_ADDRESS_ECHO_URL",
    "DEFAULT_ADDRESS_LOOKUP_TIMEOUT",
    "DEFAULT_API_URL",
    "DEFAULT_INTERVAL",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_REQUEST_TIMEOUT",
    "DEFAULT_RETRY_BUDGET",
    "ENV_ADDRESS_ECHO_URL",
    "ENV_API",
    "ENV_INTERVAL",
    "ENV_SIM_SPEED",
    "ENV_STATE_DIR",
    "ENV_V2_PACE",
    "V2_DOCUMENTED_INTERVAL",
    "V2_PACES",
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
