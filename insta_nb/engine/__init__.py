"""The request engine: one per process, on its own loop thread, paced machine-wide.

Module map: ``jobs`` (what is scheduled), ``scheduler`` (priorities, aging,
singleflight), ``slots`` (the machine-wide send budget), ``retry`` (policy),
``breaker`` (outages), ``core`` (the dispatcher), ``loop_thread`` and ``runner``
(the thread and the bridges into it).
"""

from __future__ import annotations

from insta_nb.engine.core import Engine
from insta_nb.engine.jobs import BreakerState, EngineSnapshot, JobInfo, JobKind, Request
from insta_nb.engine.loop_thread import LoopThread
from insta_nb.engine.runner import EngineRunner, shared_runner
from insta_nb.engine.slots import FileSlots, MemorySlots, SlotStore

__all__ = [
    "BreakerState",
    "Engine",
    "EngineRunner",
    "EngineSnapshot",
    "FileSlots",
    "JobInfo",
    "JobKind",
    "LoopThread",
    "MemorySlots",
    "Request",
    "SlotStore",
    "shared_runner",
]
