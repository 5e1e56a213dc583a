"""No error the toolkit raises or shows holds the key: messages, bodies, reprs, tracebacks.

Two ways a key used to reach a notebook through an error:

- a verbose traceback (``%xmode Verbose``, ``capture_locals=True``) prints every frame's
  locals, and constructors held the raw key in a parameter while their checks raised
  (an ``ftp://`` URL, a username with ``:``, a key read from a file with its ``"\\n"``);
- a server that echoes the request's headers in an error body put ``Basic
  base64(user:key)`` into the error's message, ``str``, ``repr`` and ``body``.

Fix: keys are masked by the first statement of every function handed one
(``credentials.mask``), and every :class:`~insta_nb.errors.InstaError` passes its text
and body through ``credentials.redact`` on construction and again when shown.
"""

from __future__ import annotations

import base64
import traceback
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from insta_nb import errors
from insta_nb.credentials import Credentials, Secret, mask, redact
from tests.harness.secrets_scan import scan_for_secrets

# Module constants, never locals of a test: a traceback can then only get them from insta_nb.
USER = "alice"
#: Its base64 forms contain "/" and "=" (so URL-safe and unpadded differ) and it needs
#: percent-encoding.
KEY = "Zq9~unique>KEY?value-4242"
BASIC = base64.b64encode(f"{USER}:{KEY}".encode()).decode()
BASIC_URLSAFE = base64.urlsafe_b64encode(f"{USER}:{KEY}".encode()).decode()
ECHOED_FORMS = {
    "raw": KEY,
    "percent-encoded": urllib.parse.quote(KEY, safe=""),
    "base64 of the key": base64.b64encode(KEY.encode()).decode(),
    "Basic value": BASIC,
    "Basic value, URL-safe": BASIC_URLSAFE,
    "Basic value, unpadded": BASIC.rstrip("="),
    "Basic value, URL-safe unpadded": BASIC_URLSAFE.rstrip("="),
}


@pytest.fixture(autouse=True)
def live_credentials() -> Iterator[Credentials]:
    """The key in use, as a session holds it: redaction knows the live keys only."""
    creds = Credentials(USER, Secret(KEY), api_url="http://127.0.0.1:9")
    yield creds
    del creds


def _hits(text: str) -> list[str]:
    return scan_for_secrets([text], [KEY], usernames=[USER])


def _verbose(exc: BaseException) -> str:
    """What ``%xmode Verbose`` stores: every frame's locals, the whole chain."""
    te = traceback.TracebackException.from_exception(exc, capture_locals=True)
    return "".join(te.format())


def _every_rendering(exc: BaseException) -> str:
    parts = [str(exc), repr(exc), repr(exc.args), _verbose(exc)]
    for name in ("message", "body", "field_errors", "path"):
        if hasattr(exc, name):
            parts.append(repr(getattr(exc, name)))
    return "\n".join(parts)


# --- an echoing server ------------------------------------------------------------------------


def _echoing_error(status: int, form: str) -> errors.APIError:
    # Built here, not in the test: the test's frame (in the traceback) must not hold the body.
    return errors.status_error(
        status,
        {
            "message": f"rejected Authorization: Basic {ECHOED_FORMS[form]}",
            "request": {"headers": {"Authorization": f"Basic {ECHOED_FORMS[form]}"}},
            "errors": [{"name": "auth", "message": f"bad {ECHOED_FORMS[form]}"}],
        },
        method="GET",
        path="/provisioning/v1/",
    )


@pytest.mark.parametrize("form", list(ECHOED_FORMS))
@pytest.mark.parametrize("status", [400, 401, 403, 429, 500, 502])
def test_an_error_body_that_echoes_the_header_is_redacted(form: str, status: int) -> None:
    try:
        raise _echoing_error(status, form)
    except errors.APIError as exc:
        caught = exc
    text = _every_rendering(caught)
    assert _hits(text) == []
    assert "[redacted]" in str(caught)
    assert caught.body["request"]["headers"]["Authorization"] == "Basic [redacted]"


def test_a_plain_text_error_page_that_echoes_the_header_is_redacted() -> None:
    page = f"502 Bad Gateway\nupstream request:\nGET / HTTP/1.1\nAuthorization: Basic {BASIC}\n"
    error = errors.status_error(502, page, method="GET", path="/provisioning/v1/")
    assert _hits(_every_rendering(error)) == []
    assert isinstance(error.body, str)
    assert "Authorization: Basic [redacted]" in error.body


def test_a_message_set_after_construction_is_redacted_too() -> None:
    error = errors.status_error(500, "oops", method="GET", path="/")
    error.message = f"HTML error page: echo {BASIC}"
    error.args = (error.message,)
    assert _hits(_every_rendering(error)) == []


@pytest.mark.parametrize(
    "build",
    [
        lambda text: errors.ConfigurationError(text),
        lambda text: errors.UsageError(text),
        lambda text: errors.ConnectError(text),
        lambda text: errors.ProtocolError(text),
        lambda text: errors.ValidationError({"apiKey": text}),
        lambda text: errors.CreateNotConfirmedError("demo", text),
        lambda text: errors.UnexpectedResponseError(text, status=200, body={"echo": text}),
    ],
)
def test_every_error_of_the_tree_redacts_its_text(build: Any) -> None:
    error = build(f"the server said: key={KEY} header=Basic {BASIC}")
    assert _hits(_every_rendering(error)) == []


def test_text_without_secrets_is_kept_as_is() -> None:
    body = {"message": "cluster name taken", "errors": {"clusterName": "exists"}}
    error = errors.status_error(409, body, method="POST", path="/provisioning/v1/extended/")
    assert error.body is body  # nothing to remove: the very same object
    assert str(error) == "409 cluster name taken (POST /provisioning/v1/extended/)"
    assert error.field_errors == {"clusterName": "exists"}


def test_a_short_test_key_is_only_redacted_as_a_whole_word() -> None:
    short = Secret("q7")
    assert redact("key q7 refused") == "key [redacted] refused"
    assert redact("aq7b, q70") == "aq7b, q70"  # never blanks letters out of other words
    del short


# --- the constructors' frames -----------------------------------------------------------------

#: Every way ``Credentials.resolve`` and the constructor refuse what they were given.
BAD_CALLS: dict[str, dict[str, Any]] = {
    "ftp URL": {"api_url": "ftp://api.instaclustr.com"},
    "URL without a host": {"api_url": "https:///provisioning"},
    "URL with a password": {"api_url": "https://bob:hunter2@api.instaclustr.com"},
    "URL with a query": {"api_url": "https://api.instaclustr.com/?a=1"},
    "username with ':'": {"username": "al:ice"},
    "username with a newline": {"username": "al\nice"},
    "empty username": {"username": ""},
    "key read from a file (trailing newline)": {"key_suffix": "\n"},
    "key with a header injected": {"key_suffix": "\r\nX-Evil: 1"},
    "read_only that is not a bool": {"read_only": "yes"},
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
@pytest.mark.parametrize("entry", ["Credentials.resolve", "Credentials"])
def test_no_error_path_shows_the_raw_key_in_a_verbose_traceback(entry: str, case: str) -> None:
    kwargs = {"username": USER, **BAD_CALLS[case]}
    suffix = kwargs.pop("key_suffix", "")
    factory = Credentials.resolve if entry == "Credentials.resolve" else Credentials
    with pytest.raises(errors.ConfigurationError) as info:
        factory(api_key=KEY + suffix, **kwargs)
    text = _verbose(info.value)
    assert _hits(text) == []
    assert "api_key = Secret('********', fp=" in text  # the frames are there, masked


def test_a_key_read_from_a_file_is_refused_with_a_hint() -> None:
    with pytest.raises(errors.ConfigurationError, match="line break") as info:
        Credentials.resolve(username=USER, api_key=KEY + "\n")
    assert _hits(_verbose(info.value)) == []


def test_a_key_without_a_username_does_not_show_in_the_traceback() -> None:
    with pytest.raises(errors.ConfigurationError, match="no username") as info:
        Credentials.resolve(api_key=KEY)
    assert _hits(_verbose(info.value)) == []


def test_a_bad_read_only_variable_does_not_show_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INSTACLUSTR_USERNAME", USER)
    monkeypatch.setenv("INSTACLUSTR_API_KEY", KEY)
    monkeypatch.setenv("INSTACLUSTR_READ_ONLY", "maybe")
    with pytest.raises(errors.ConfigurationError, match="INSTACLUSTR_READ_ONLY") as info:
        Credentials.resolve()
    assert _hits(_verbose(info.value)) == []
    with pytest.raises(errors.ConfigurationError, match="INSTACLUSTR_READ_ONLY") as info:
        Credentials.from_env(
            {"INSTACLUSTR_USERNAME": USER, "INSTACLUSTR_API_KEY": KEY, "INSTACLUSTR_READ_ONLY": "?"}
        )
    assert _hits(_verbose(info.value)) == []


@pytest.mark.parametrize("entry", ["Credentials.resolve", "Credentials"])
def test_a_key_that_is_not_text_is_refused_without_showing_it(entry: str) -> None:
    factory: Any = Credentials.resolve if entry == "Credentials.resolve" else Credentials
    with pytest.raises(errors.ConfigurationError, match="must be a str, not bytes") as info:
        factory(username=USER, api_key=KEY.encode())
    assert _hits(_verbose(info.value)) == []


def test_mask_never_raises_and_never_shows_the_value() -> None:
    # What connect() calls first thing, so that its own parameter holds only the mask.
    assert mask(None) is None
    secret = Secret(KEY)
    assert mask(secret) is secret
    masked = mask(KEY)
    assert isinstance(masked, Secret)
    assert masked.reveal() == KEY
    for odd in (KEY.encode(), bytearray(KEY.encode()), 42, [KEY]):
        marker = mask(odd)
        assert isinstance(marker, Secret)
        assert not marker
        assert _hits(repr(marker)) == []
        with pytest.raises(errors.ConfigurationError, match="must be a str"):
            Credentials(USER, marker)


# --- a Secret that cannot be built ------------------------------------------------------------


@pytest.mark.parametrize("value", [b"x", 42, None, ["k"]])
def test_a_secret_of_anything_but_text_is_refused_before_it_exists(value: Any) -> None:
    with pytest.raises(TypeError, match="a Secret holds a str") as info:
        Secret(value)
    # Formatting the traceback with every frame's locals must work (a half-built object
    # whose repr raised made traceback formatting itself fail).
    text = _verbose(info.value)
    assert "TypeError: a Secret holds a str" in text


def test_the_repr_of_a_half_built_secret_is_safe() -> None:
    blank = object.__new__(Secret)
    assert repr(blank) == "Secret('********')"
    assert str(blank) == "********"
    assert not blank
    hash(blank)
