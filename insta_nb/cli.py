"""The ``insta-nb`` command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import insta_nb


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="insta-nb", description=insta_nb.__doc__)
    parser.add_argument("--version", action="version", version=insta_nb.__version__)
    parser.parse_args(argv)
    parser.print_help()
    return 0
