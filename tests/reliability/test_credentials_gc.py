"""The key registry behind log redaction must survive the garbage collector."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# Runs in a child process: if it deadlocks, only the child hangs (and is killed).
SCRIPT = textwrap.dedent(
    """
    import gc
    from insta_nb.credentials import _REGISTRY, Secret

    secret = Secret("key-in-a-cycle")
    cycle = [secret]
    cycle.append(cycle)          # e.g. a traceback frame that held the key
    del secret, cycle
    # Registry.add() and Registry.live() allocate while holding their lock; any
    # allocation may start a collection. Make that collection happen there:
    with _REGISTRY._lock:
        gc.collect()
    print("survived")
    """
)


def test_a_secret_collected_while_the_registry_is_busy_does_not_deadlock() -> None:
    """Injected: a Secret in a reference cycle becomes garbage and the collector runs while
    the registry holds its lock (as it does whenever add() or live() allocates).
    Checked: the process carries on (it deadlocked, and hung two tests of a full run
    for their 120 s timeout, before this was understood).
    Bug (fixed in e883667): the weakref callback forget() took the registry's
    non-reentrant lock, which the same thread already held when add() or live()
    allocated and the collector ran.
    Fix: the callback only appends the dead key to a list, purged under the lock later."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=15
        )
    except subprocess.TimeoutExpired:
        raise AssertionError("deadlock: the child process hung") from None
    assert done.stdout.strip() == "survived", done.stderr
