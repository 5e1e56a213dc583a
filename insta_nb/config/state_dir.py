"""The per-user state directory (the machine-wide slot file and create journal live there):
where it is, and a check that it can be used before anything relies on it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from insta_nb.config.defaults import ENV_STATE_DIR
from insta_nb.errors import ConfigurationError

__all__ = ["check_state_dir", "default_state_dir"]


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
