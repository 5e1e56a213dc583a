"""Find secrets (and their base64 forms) in files, notebooks, logs and strings.

A Basic-auth header carries base64("username:secret"); the username is often not known to
the test, and base64 of a secret depends on where it starts within a 3-byte group. So for
each of the three alignments we search the part of the encoding that only depends on the
secret itself: that finds the secret inside base64 of *any* text containing it
(`user:secret`, a JSON blob, a binary widget buffer...). Hits never include the secret.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Shorter alignment-independent base64 cores would match by chance.
_MIN_CORE = 8
_SKIP_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".pyc")

Source = Path | str | tuple[str, str]


@dataclass(frozen=True)
class _Needle:
    text: str
    form: str


def secret_forms(secret: str, usernames: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The strings that betray `secret`, as (form name, text) pairs.

    Forms: the secret itself, its URL-encoded form, standard and URL-safe base64 of the
    secret alone and of `username:secret` for each known username, and the
    alignment-independent cores of base64 of any text that contains the secret.
    """
    raw = secret.encode()
    forms: dict[str, str] = {secret: "plain"}
    quoted = urllib.parse.quote(secret, safe="")
    forms.setdefault(quoted, "url-encoded")
    for label, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
        forms.setdefault(encode(raw).decode().rstrip("="), label)
        for user in usernames:
            forms.setdefault(encode(f"{user}:{secret}".encode()).decode().rstrip("="), label)
        for offset in range(3):
            core = _aligned_core(raw, offset, encode)
            if len(core) >= _MIN_CORE:
                forms.setdefault(core, f"{label} (embedded)")
    return [(form, text) for text, form in forms.items()]


def scan_for_secrets(
    paths_or_texts: Iterable[Source], secrets: Sequence[str], *, usernames: Sequence[str] = ()
) -> list[str]:
    """Report every place where one of `secrets` or its encodings appears.

    Args:
        paths_or_texts: `Path`s (files, or directories scanned recursively; `.ipynb` files are
            also parsed so hits name the cell/output or metadata key, widget state
            included), plain `str` texts (e.g. a server log), or `(label, text)` pairs.
        secrets: the secret values to look for (empty strings are ignored).
        usernames: known usernames, for exact `base64(username:secret)` forms.

    Returns:
        One line per hit: "<location>: secret #<i> as <form>". Empty when clean.
    """
    needles = [
        (index, [_Needle(text, form) for form, text in secret_forms(secret, usernames)])
        for index, secret in enumerate(secrets)
        if secret
    ]
    hits: list[str] = []
    for label, text in _texts(paths_or_texts):
        for index, forms in needles:
            for needle in forms:
                for line_no in _lines_with(text, needle.text):
                    hits.append(f"{label}:{line_no}: secret #{index} as {needle.form}")
    return hits


def _aligned_core(raw: bytes, offset: int, encode: Any) -> str:
    # Prefix `offset` filler bytes, encode, then drop the 4-char groups that also hold
    # filler or whatever follows the secret: what is left is fixed by the secret alone.
    encoded: str = encode(b"\0" * offset + raw).decode()
    start = 4 if offset else 0
    end = len(encoded) - (4 if (offset + len(raw)) % 3 else 0)
    return encoded[start:end] if end > start else ""


def _lines_with(text: str, needle: str) -> Iterator[int]:
    start = 0
    while (found := text.find(needle, start)) >= 0:
        yield text.count("\n", 0, found) + 1
        start = found + 1


def _texts(sources: Iterable[Source]) -> Iterator[tuple[str, str]]:
    for index, source in enumerate(sources):
        if isinstance(source, tuple):
            yield source
        elif isinstance(source, str):
            yield f"text[{index}]", source
        elif source.is_dir():
            for path in sorted(p for p in source.rglob("*") if p.is_file()):
                yield from _file_texts(path)
        else:
            yield from _file_texts(source)


def _file_texts(path: Path) -> Iterator[tuple[str, str]]:
    if path.suffix.lower() in _SKIP_SUFFIXES:
        return
    text = path.read_bytes().decode("utf-8", errors="replace")
    yield str(path), text
    if path.suffix == ".ipynb":
        # JSON escaping can hide a secret from the raw scan (e.g. "\u00e9", "\/").
        try:
            document = json.loads(text)
        except ValueError:
            return
        for where, value in _json_strings(document, ""):
            yield f"{path}#{where}", value


def _json_strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where or "/", value
    elif isinstance(value, list):
        # Notebooks store multi-line text as lists of lines: also join them.
        if value and all(isinstance(item, str) for item in value):
            yield where, "".join(value)
            return
        for index, item in enumerate(value):
            yield from _json_strings(item, f"{where}/{index}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_strings(item, f"{where}/{key}")
