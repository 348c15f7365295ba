"""The local stack freezes what survives a full collection (local_stack.heap), so a full collection
scans only what came after, and a thorough one still frees the cycles that became garbage."""

from __future__ import annotations

import gc
import resource
import weakref
from collections.abc import Iterator

import pytest

from local_stack.heap import FrozenSurvivors


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture
def survivors() -> Iterator[FrozenSurvivors]:
    frozen = FrozenSurvivors(thorough_growth=1_000.0)
    frozen.install()
    try:
        yield frozen
    finally:
        frozen.uninstall()


def test_what_survives_a_full_collection_is_frozen_and_not_scanned_again(survivors: FrozenSurvivors) -> None:
    kept = [Node() for _ in range(5_000)]
    before = gc.get_freeze_count()

    gc.collect()

    assert gc.get_freeze_count() >= before + len(kept)  # the survivors joined the frozen ones
    assert len(gc.get_objects(generation=2)) < 100  # so the next full collection has next to nothing to scan
    assert survivors.snapshot()["full"] >= 1
    assert survivors.thorough == 0


def test_a_frozen_cycle_that_became_garbage_is_freed_by_the_next_thorough_collection(
    survivors: FrozenSurvivors,
) -> None:
    cycle = Node()
    gone = weakref.ref(cycle)
    gc.collect()  # it survives, so it is frozen
    del cycle
    gc.collect()
    assert gone() is not None  # frozen garbage waits for a thorough collection

    survivors.thorough_growth = 1.0
    survivors._thorough_above = 0  # memory has grown past the bound
    gc.collect()

    assert gone() is None
    assert survivors.thorough == 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert peak <= survivors._thorough_above <= 2 * peak  # the next bound is from the size now (growth 1.0)


def test_uninstalled_the_collector_is_as_released() -> None:
    frozen = FrozenSurvivors()
    frozen.install()
    frozen.uninstall()
    cycle = Node()
    gone = weakref.ref(cycle)
    gc.collect()
    del cycle
    gc.collect()

    assert gone() is None
    assert gc.get_freeze_count() == 0


def test_python_m_local_stack_freezes_unless_told_to_leave_the_collector_as_released(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from local_stack.__main__ import parse
    from local_stack.runner import Config

    monkeypatch.delenv("FRONTDESK_GC_AS_RELEASED", raising=False)
    assert parse([]).freeze_survivors
    assert not parse(["--gc-as-released"]).freeze_survivors
    monkeypatch.setenv("FRONTDESK_GC_AS_RELEASED", "1")
    assert not parse([]).freeze_survivors
    assert not Config().freeze_survivors  # a process that embeds the stack keeps its collector


def test_the_stack_freezes_as_configured_shows_it_and_puts_the_collector_back_when_it_stops() -> None:
    from local_stack.runner import Config, LocalStack

    stack = LocalStack(Config(freeze_survivors=True))
    stack._freeze_survivors()
    try:
        gc.collect()
        shown = stack.stats()["heap"]
        assert shown["full"] >= 1 and shown["frozen"] > 0
    finally:
        stack.stop()
    assert gc.get_freeze_count() == 0 and stack.stats()["heap"] == {}

    unfrozen = LocalStack(Config())
    unfrozen._freeze_survivors()
    assert unfrozen.heap is None and gc.get_freeze_count() == 0
