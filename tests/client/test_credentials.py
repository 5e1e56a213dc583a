"""The key never shows: reprs, formatting, pickling, logs, verbose tracebacks, headers."""

from __future__ import annotations

import base64
import copy
import json
import logging
import pickle
import re
import sys
import traceback
import types
from typing import Any

import httpx
import pytest

from insta_nb import errors
from insta_nb.backends.v1 import ApiClient
from insta_nb.config import DEFAULT_API_URL
from insta_nb.credentials import (
    ApiKeyAuth,
    Credentials,
    RedactingFilter,
    Secret,
    install_log_redaction,
    redact,
)

# Module constants, not locals: a test's own frame must not hold the key either, so
# that a captured traceback containing it can only have got it from insta_nb.
KEY = "Zq9-unique-KEY-value-4242"
USER = "alice"
BASIC = base64.b64encode(f"{USER}:{KEY}".encode()).decode()
MASK_RE = re.compile(r"Secret\('\*{8}', fp=[0-9a-f]{4}\)")


def _leaks(text: str) -> bool:
    return KEY in text or BASIC in text or base64.b64encode(KEY.encode()).decode() in text


def _creds(**kwargs: Any) -> Credentials:
    return Credentials(username=USER, api_key=Secret(KEY), **kwargs)


# --- the Secret type --------------------------------------------------------------------------


def test_repr_shows_mask_and_fingerprint_only() -> None:
    secret = Secret(KEY)
    assert MASK_RE.fullmatch(repr(secret))
    assert secret.fingerprint in repr(secret)
    assert not _leaks(repr(secret))


@pytest.mark.parametrize(
    "render",
    [
        str,
        repr,
        lambda s: f"{s}",
        lambda s: f"{s!r}",
        lambda s: f"{s!s}",
        lambda s: f"{s:>40}",
        lambda s: "{}".format(s),  # noqa: UP032 - the str.format path on purpose
        lambda s: "%s" % s,  # noqa: UP031 - the %-format path on purpose
        lambda s: "%r" % (s,),  # noqa: UP031
        lambda s: str([s, {"k": s}]),
    ],
)
def test_every_rendering_is_masked(render: Any) -> None:
    text = render(Secret(KEY))
    assert "********" in text
    assert not _leaks(text)


def test_reveal_round_trips_any_text() -> None:
    for value in (KEY, "ünïcødé-🔑", "\ud800lone-surrogate", ""):
        assert Secret(value).reveal() == value


def test_pickling_is_refused() -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(Secret(KEY), protocol=protocol)
    with pytest.raises(TypeError):
        pickle.dumps(_creds())


def test_no_implicit_string_conversion() -> None:
    secret = Secret(KEY)
    with pytest.raises(TypeError):
        json.dumps(secret)
    with pytest.raises(TypeError):
        _ = "Basic " + secret  # type: ignore[operator]
    with pytest.raises(AttributeError):
        secret._fp = "0000"


def test_copies_are_the_same_immutable_object() -> None:
    secret = Secret(KEY)
    assert copy.copy(secret) is secret
    assert copy.deepcopy(secret) is secret
    assert copy.deepcopy(_creds()) == _creds()


def test_slots_do_not_hold_the_raw_value() -> None:
    secret = Secret(KEY)
    stored = [getattr(secret, name) for name in ("_fp", "_pad", "_sealed")]
    assert all(KEY.encode() not in (s if isinstance(s, bytes) else s.encode()) for s in stored)
    assert not hasattr(secret, "__dict__")


def test_equality_and_hash_follow_the_value() -> None:
    assert Secret(KEY) == Secret(KEY)
    assert hash(Secret(KEY)) == hash(Secret(KEY))
    assert Secret(KEY) != Secret(KEY + "x")
    assert Secret(KEY) != KEY
    assert Secret(Secret(KEY)) == Secret(KEY)


def test_only_text_can_be_a_secret() -> None:
    with pytest.raises(TypeError, match="bytes"):
        Secret(KEY.encode())  # type: ignore[arg-type]


# --- Credentials ------------------------------------------------------------------------------


def test_credentials_repr_shows_username_and_mask() -> None:
    creds = _creds(read_only=True)
    text = repr(creds)
    assert USER in text
    assert MASK_RE.search(text)
    assert not _leaks(text)
    assert creds.fingerprint == creds.api_key.fingerprint


def test_credentials_wrap_a_plain_string_at_once() -> None:
    creds = Credentials(username=USER, api_key=KEY)
    assert isinstance(creds.api_key, Secret)
    assert not _leaks(repr(creds))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"username": ""}, "username is empty"),
        ({"username": "a:b"}, "may not contain"),
        ({"username": "a\nb"}, "may not contain"),
        ({"api_key": Secret("")}, "key is empty"),
        ({"api_key": Secret("abc\r\nX-Evil: 1")}, "control characters"),
        ({"api_url": "ftp://api.instaclustr.com"}, "http"),
        ({"api_url": "not a url at all"}, "http"),
        ({"api_url": "https://bob:hunter2@api.instaclustr.com"}, "may not contain credentials"),
        ({"api_url": "https://api.instaclustr.com/?x=1"}, "query"),
        ({"read_only": "yes"}, "read_only"),
    ],
)
def test_credentials_reject_malformed_values(kwargs: dict[str, Any], match: str) -> None:
    values: dict[str, Any] = {"username": USER, "api_key": Secret(KEY), **kwargs}
    with pytest.raises(errors.ConfigurationError, match=match) as info:
        Credentials(**values)
    assert "hunter2" not in str(info.value)


def test_api_url_loses_its_trailing_slash() -> None:
    assert _creds(api_url="https://example.test/").api_url == "https://example.test"


def test_from_env_reads_all_variables() -> None:
    creds = Credentials.from_env(
        {
            "INSTACLUSTR_USERNAME": USER,
            "INSTACLUSTR_API_KEY": KEY,
            "INSTACLUSTR_API_URL": "http://127.0.0.1:8765",
            "INSTACLUSTR_READ_ONLY": "true",
        }
    )
    assert creds is not None
    assert (creds.username, creds.api_key.reveal(), creds.api_url, creds.read_only) == (
        USER,
        KEY,
        "http://127.0.0.1:8765",
        True,
    )


@pytest.mark.parametrize(
    ("flag", "expected"),
    [(None, False), ("1", True), ("TRUE", True), (" true ", True), ("0", False), ("false", False)],
)
def test_from_env_read_only_flag(flag: str | None, expected: bool) -> None:
    env = {"INSTACLUSTR_USERNAME": USER, "INSTACLUSTR_API_KEY": KEY}
    if flag is not None:
        env["INSTACLUSTR_READ_ONLY"] = flag
    creds = Credentials.from_env(env)
    assert creds is not None
    assert creds.read_only is expected
    assert creds.api_url == DEFAULT_API_URL


def test_from_env_rejects_an_unknown_flag() -> None:
    env = {"INSTACLUSTR_USERNAME": USER, "INSTACLUSTR_API_KEY": KEY, "INSTACLUSTR_READ_ONLY": "?"}
    with pytest.raises(errors.ConfigurationError, match="INSTACLUSTR_READ_ONLY"):
        Credentials.from_env(env)


def test_from_env_without_variables_is_none() -> None:
    assert Credentials.from_env({}) is None
    assert Credentials.from_env({"INSTACLUSTR_USERNAME": ""}) is None


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"INSTACLUSTR_USERNAME": USER}, "INSTACLUSTR_API_KEY"),
        ({"INSTACLUSTR_API_KEY": KEY}, "INSTACLUSTR_USERNAME"),
    ],
)
def test_from_env_half_configured_is_an_error(env: dict[str, str], missing: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=missing) as info:
        Credentials.from_env(env)
    assert not _leaks(str(info.value))


def test_from_env_defaults_to_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTACLUSTR_USERNAME", USER)
    monkeypatch.setenv("INSTACLUSTR_API_KEY", KEY)
    creds = Credentials.from_env()
    assert creds is not None
    assert creds.api_key == Secret(KEY)


class FakeKeyring(types.ModuleType):
    """Stands in for the optional ``keyring`` package."""

    def __init__(self, store: dict[tuple[str, str], str], *, fail: bool = False) -> None:
        super().__init__("keyring")
        self.store = store
        self.fail = fail
        self.asked: list[tuple[str, str | None]] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.asked.append((service, username))
        if self.fail:
            raise RuntimeError("No recommended backend was available")
        return self.store.get((service, username))

    def get_credential(self, service: str, username: str | None) -> Any:
        self.asked.append((service, username))
        if self.fail:
            raise RuntimeError("No recommended backend was available")
        for (svc, user), password in self.store.items():
            if svc == service:
                return types.SimpleNamespace(username=user, password=password)
        return None


def test_resolve_prefers_arguments_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTACLUSTR_USERNAME", "env-user")
    monkeypatch.setenv("INSTACLUSTR_API_KEY", "env-key")
    monkeypatch.setenv("INSTACLUSTR_READ_ONLY", "1")
    creds = Credentials.resolve(username=USER, api_key=KEY, read_only=False)
    assert creds is not None
    assert (creds.username, creds.api_key.reveal(), creds.read_only) == (USER, KEY, False)


def test_resolve_takes_each_value_from_the_first_source_that_has_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INSTACLUSTR_API_KEY", KEY)
    monkeypatch.setenv("INSTACLUSTR_API_URL", "https://example.test")
    creds = Credentials.resolve(username=USER)
    assert creds is not None
    assert (creds.api_key.reveal(), creds.api_url) == (KEY, "https://example.test")


def test_resolve_falls_back_to_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring = FakeKeyring({("insta_nb", USER): KEY})
    monkeypatch.setitem(sys.modules, "keyring", keyring)
    creds = Credentials.resolve(username=USER)
    assert creds is not None
    assert creds.api_key.reveal() == KEY
    assert keyring.asked == [("insta_nb", USER)]
    # Without a username, the keyring may also know who we are.
    creds = Credentials.resolve()
    assert creds is not None
    assert (creds.username, creds.api_key.reveal()) == (USER, KEY)


def test_resolve_tolerates_a_missing_or_broken_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Credentials.resolve() is None  # conftest makes ``import keyring`` fail
    monkeypatch.setitem(sys.modules, "keyring", FakeKeyring({}, fail=True))
    assert Credentials.resolve() is None
    with pytest.raises(errors.ConfigurationError, match="no API key for 'alice'"):
        Credentials.resolve(username=USER)


def test_resolve_key_without_username_is_an_error() -> None:
    with pytest.raises(errors.ConfigurationError, match="no username") as info:
        Credentials.resolve(api_key=KEY)
    assert not _leaks(str(info.value))


# --- verbose tracebacks (``%xmode Verbose`` prints every frame's locals) ----------------------


def _captured(exc: BaseException) -> str:
    """The traceback as IPython's verbose mode would store it: every frame's locals."""
    te = traceback.TracebackException(
        type(exc), exc, exc.__traceback__, capture_locals=True, compact=False
    )
    return "".join(te.format())


def test_traceback_locals_of_resolve_show_only_the_mask() -> None:
    with pytest.raises(errors.ConfigurationError) as info:
        Credentials.resolve(api_key=KEY)
    text = _captured(info.value)
    assert "api_key = Secret('********'" in text
    assert not _leaks(text)


def test_traceback_locals_of_from_env_do_not_show_the_environment() -> None:
    with pytest.raises(errors.ConfigurationError) as info:
        Credentials.from_env({"INSTACLUSTR_API_KEY": KEY})
    assert not _leaks(_captured(info.value))


def test_traceback_locals_of_a_failed_request_show_only_the_mask() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    async def go() -> None:
        async with ApiClient(_creds(), transport=httpx.MockTransport(broken)) as client:
            await client.list_clusters()

    import asyncio

    with pytest.raises(errors.ProtocolError) as info:
        asyncio.run(go())
    text = _captured(info.value)
    assert "ReadError" in text  # the chained httpx error and its frames are there
    assert not _leaks(text)


# --- the auth ---------------------------------------------------------------------------------


def test_auth_sets_the_basic_header_per_request_and_removes_it_after() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(200, json=[])

    auth = ApiKeyAuth(USER, Secret(KEY))
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        response = client.get("https://example.test/provisioning/v1")
    assert seen == [f"Basic {BASIC}"]
    assert "Authorization" not in response.request.headers
    assert not _leaks(repr(auth))
    assert not any(_leaks(repr(v)) for v in vars(auth).values())


@pytest.mark.anyio
async def test_async_auth_removes_the_header_even_when_the_transport_fails() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        raise httpx.ConnectError("refused", request=request)

    auth = ApiKeyAuth(USER, Secret(KEY))
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=auth) as client:
        with pytest.raises(httpx.ConnectError) as info:
            await client.get("https://example.test/provisioning/v1")
    assert "Authorization" not in info.value.request.headers
    assert requests[0] is info.value.request


def test_auth_needs_a_secret() -> None:
    with pytest.raises(TypeError):
        ApiKeyAuth(USER, KEY)  # type: ignore[arg-type]


# --- log redaction ----------------------------------------------------------------------------


def test_redact_knows_raw_base64_and_basic_forms() -> None:
    creds = _creds()
    text = redact(f"key={KEY} header=Basic {BASIC} bare={base64.b64encode(KEY.encode()).decode()}")
    assert not _leaks(text)
    assert text.count("[redacted]") == 3
    del creds


def test_forgotten_secrets_are_no_longer_redacted() -> None:
    value = "ephemeral-key-77"
    secret = Secret(value)
    assert redact(value) == "[redacted]"
    del secret
    assert redact(value) == value


@pytest.mark.parametrize("name", ["insta_nb", "insta_nb.client", "httpx", "httpcore.http11"])
def test_filter_is_installed_on_the_request_loggers(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    creds = _creds()
    install_log_redaction()
    logger = logging.getLogger(name)
    assert any(isinstance(f, RedactingFilter) for f in logger.filters)
    with caplog.at_level(logging.DEBUG, logger=name):
        logger.warning("sent %s with header %s", creds.api_key.reveal(), f"Basic {BASIC}")
        logger.warning(f"inline {KEY}")
    assert caplog.records
    assert not any(_leaks(r.getMessage()) for r in caplog.records)
    assert not _leaks(caplog.text)


def test_loggers_created_later_are_covered_on_the_next_install(
    caplog: pytest.LogCaptureFixture,
) -> None:
    creds = _creds()
    logger = logging.getLogger("insta_nb.tests.created_late")
    install_log_redaction()
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("key %s", creds.api_key.reveal())
    assert "[redacted]" in caplog.text


def test_filter_cleans_exception_and_stack_text(caplog: pytest.LogCaptureFixture) -> None:
    creds = _creds()
    logger = logging.getLogger("insta_nb.tests.exc")
    install_log_redaction()
    with caplog.at_level(logging.ERROR, logger=logger.name):
        try:
            raise ValueError(f"bad key {creds.api_key.reveal()}")
        except ValueError:
            logger.exception("failed", stack_info=True)
    record = caplog.records[-1]
    assert record.exc_text is not None
    assert not _leaks(record.exc_text)
    assert not _leaks(caplog.text)


def test_filter_never_drops_records_even_with_bad_format_args() -> None:
    record = logging.LogRecord("insta_nb", logging.INFO, __file__, 1, "%d", ("x",), None)
    assert RedactingFilter().filter(record) is True
