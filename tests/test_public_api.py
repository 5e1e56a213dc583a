"""The public surface is explicit and tested (as httpx does)."""

from __future__ import annotations

import types

import insta_nb


def test_all_is_sorted_and_complete() -> None:
    names = insta_nb.__all__
    assert names == sorted(names)
    public = {
        name
        for name, value in vars(insta_nb).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    public -= {"annotations"}
    assert public == set(names) - {"__version__"}


def test_every_exported_error_derives_from_the_one_root() -> None:
    for name in insta_nb.__all__:
        value = getattr(insta_nb, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, insta_nb.InstaError), name


def test_version_is_known() -> None:
    assert insta_nb.__version__
    assert insta_nb.__version__ != "0+unknown"
