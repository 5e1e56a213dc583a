"""The public surface is explicit and tested (as httpx does)."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

import insta_nb
import insta_nb.errors


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


#: Former single modules, now packages whose ``__init__`` re-exports their modules' names:
#: the old import paths are part of the surface.
SPLIT_PACKAGES = (
    "insta_nb.backends.http",
    "insta_nb.catalog",
    "insta_nb.config",
    "insta_nb.credentials",
    "insta_nb.errors",
)


def _modules_of(package: str) -> list[types.ModuleType]:
    root = importlib.import_module(package)
    found = [root]
    for info in pkgutil.iter_modules(root.__path__, package + "."):
        found.append(importlib.import_module(info.name))
    return found


@pytest.mark.parametrize("package", SPLIT_PACKAGES)
def test_every_name_in_a_split_package_all_is_defined(package: str) -> None:
    for module in _modules_of(package):
        missing = [name for name in module.__all__ if not hasattr(module, name)]
        assert missing == [], module.__name__


def test_errors_show_as_insta_nb_errors_in_a_traceback() -> None:
    """A traceback prints ``module.Name``: the tree stays ``insta_nb.errors.<Name>``."""
    for name in insta_nb.errors.__all__:
        value = getattr(insta_nb.errors, name)
        if isinstance(value, type):
            assert value.__module__ == "insta_nb.errors", name
