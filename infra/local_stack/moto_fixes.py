"""Where moto, serving concurrent requests, is less strict than AWS: fixed in this process.

moto's DynamoDB checks a write's condition and then writes without a lock, and numbers stream
records as ``len(records) + start`` before appending. Two concurrent requests (the gateway and
the stream poller run in threads) can therefore both pass the same `version = :v` check, and two
stream records can get the same sequence number. It takes a thread switch at the wrong moment, so
it is rare (not seen in 360 racing writes), but a duplicate sequence number would make the stream
stats report a record done twice. DynamoDB makes each write and each transaction atomic and its
sequence numbers unique; here every DynamoDB write takes one lock. Reads take it too: a write
creates or changes an item attribute by attribute (an UpdateItem on a new counter exists for a
moment without its `n`), and a cancelled transaction is undone after its writes were made, so a
read outside the lock can see what DynamoDB never shows: half an item, or a write that was
rolled back (seen: 2 of 50 racing incident reports read a counter with no `n`).

Two costs of moto grow with the table, and every ticket change pays them: TransactWriteItems
deep-copies every table it touches once per item (`local_stack.moto_transactions` copies only the
items it touches), and Query sorts the whole table to find one partition of the table or of an
index (`local_stack.moto_queries` reads only that partition's candidates). And moto keeps every
item, stream record and shard iterator it ever made, for its dashboard, and a copy of every
attribute name per item (`local_stack.moto_memory`). FRONTDESK_MOTO_SIZE_FIXES=0 keeps moto's
own, to measure them (bench/intake.py).

moto's serialiser walks every DynamoDB attribute value of a response shape by shape; values
already in wire form are put in as they are (`local_stack.moto_attribute_json`, same bytes). A
Query or Scan with Select COUNT copies no item (`local_stack.moto_counts`): only the number leaves.
An item's size (counted twice for every item a Query reads) is counted without moto's type tests
(`local_stack.moto_item_size`, moto's number).

moto's Step Functions makes an execution's environment in the execution's own thread, after
parsing the definition (a quarter of a second): StopExecution in that moment raises
AttributeError (``None.set_stop``), and until the program enters its first state it is dropped,
where AWS stops the execution. A clock started and ended at once (a ticket dispatched and closed
in one stream batch) met it. The stop here waits for the program to run (bounded), then stops.
A stop from another thread can also land inside a state: moto refuses the state's next write
(RuntimeError), its program catches that and records an error over the stop, and the execution
ends FAILED. On AWS a stopped execution is ABORTED; here too, an error never replaces a stop.

`install()` and `uninstall()` nest (the test fixture and the harnesses that need atomic writes
each install them): the last `uninstall()` puts moto back.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, Final

WRITES: Final = ("put_item", "update_item", "delete_item", "transact_write_items")
READS: Final = ("get_item", "query", "scan", "batch_get_item", "transact_get_items")
# Stream reads take it too: they number records by the shard's list and its starting sequence
# number, which local_stack.stream_retention changes together when it drops read records.
STREAM_READS: Final = ("get_records", "get_shard_iterator")
# How long a stop waits for an execution that is still starting (parsing is ~0.25 s; load stretches it).
STARTING_BOUND_SECONDS: Final = 60.0

log = logging.getLogger("local_stack")

_lock = threading.RLock()
_originals: dict[str, Callable[..., Any]] = {}
_installs = 0


def lock() -> threading.RLock:
    """The lock every DynamoDB read and write of moto holds (and anything that changes its state)."""
    return _lock


def size_fixes_wanted() -> bool:
    return os.environ.get("FRONTDESK_MOTO_SIZE_FIXES", "1") != "0"


def install() -> None:
    """Serialise moto's DynamoDB writes; transactions and queries stop paying for the table size."""
    global _installs
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    from local_stack import (
        moto_attribute_json,
        moto_counts,
        moto_item_size,
        moto_memory,
        moto_queries,
        moto_transactions,
    )

    with _lock:
        _installs += 1
        if _installs > 1:
            return
    moto_attribute_json.install()
    moto_counts.install()
    moto_item_size.install()
    if size_fixes_wanted():
        moto_memory.install()
        if moto_queries.matches_pinned_moto(Table.query, Table.all_items):
            _originals["Table.query"] = Table.query
            Table.query = moto_queries.partition_query(Table.query)  # type: ignore[method-assign]
        else:
            log.warning("moto is not the version moto_queries was written for: queries read the whole table")
    for name in (*WRITES, *READS):
        original = getattr(DynamoDBBackend, name)
        _originals[name] = original
        if name == "transact_write_items" and size_fixes_wanted():
            if moto_transactions.matches_pinned_moto(original):
                original = moto_transactions.transact_write_items
            else:
                log.warning("moto is not the version moto_transactions was written for: transactions copy tables")

        @functools.wraps(original)
        def atomic(self: Any, *args: Any, __original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, atomic)
    _stream_reads_take_the_lock()
    _stop_waits_for_start()
    _a_stop_stays_a_stop()


def _stream_reads_take_the_lock() -> None:
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    for name in STREAM_READS:
        original = getattr(DynamoDBStreamsBackend, name)
        _originals[f"DynamoDBStreamsBackend.{name}"] = original

        @functools.wraps(original)
        def atomic(self: Any, *args: Any, __original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            with _lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBStreamsBackend, name, atomic)


def _stop_waits_for_start() -> None:
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    original = ExecutionWorker.stop
    _originals["ExecutionWorker.stop"] = original

    @functools.wraps(original)
    def stop(self: Any, *args: Any, **kwargs: Any) -> Any:
        # started: the environment exists and its program has entered its first state (before
        # that, moto drops a stop: the execution would run on)
        deadline = time.monotonic() + STARTING_BOUND_SECONDS
        while (self.env is None or self.env.program_state() is None) and time.monotonic() < deadline:
            time.sleep(0.01)
        return original(self, *args, **kwargs)

    ExecutionWorker.stop = stop  # type: ignore[method-assign]


def _a_stop_stays_a_stop() -> None:
    from moto.stepfunctions.parser.asl.eval.environment import Environment
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped

    original = Environment.set_error
    _originals["Environment.set_error"] = original

    @functools.wraps(original)
    def set_error(self: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(self._program_state, ProgramStopped):
            return None  # the error is the stop's own doing: the refused write of a stopped program
        return original(self, *args, **kwargs)

    Environment.set_error = set_error  # type: ignore[method-assign]


def uninstall() -> None:
    """Undo one `install()`; the last one puts moto's methods back."""
    global _installs
    from moto.dynamodb.models import DynamoDBBackend

    with _lock:
        _installs = max(0, _installs - 1)
        if _installs:
            return
    from moto.dynamodb.models.table import Table
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend
    from moto.stepfunctions.parser.asl.eval.environment import Environment
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    from local_stack import moto_attribute_json, moto_counts, moto_item_size, moto_memory

    moto_attribute_json.uninstall()
    moto_counts.uninstall()
    moto_item_size.uninstall()
    moto_memory.uninstall()
    for name, original in _originals.items():
        if name.startswith("DynamoDBStreamsBackend."):
            setattr(DynamoDBStreamsBackend, name.split(".", 1)[1], original)
        elif name == "Table.query":
            Table.query = original  # type: ignore[method-assign]
        elif name == "ExecutionWorker.stop":
            ExecutionWorker.stop = original  # type: ignore[method-assign]
        elif name == "Environment.set_error":
            Environment.set_error = original  # type: ignore[method-assign]
        else:
            setattr(DynamoDBBackend, name, original)
    _originals.clear()


def moto_original(name: str) -> Callable[..., Any]:
    """moto's own method (a DynamoDBBackend method, or "Table.query") while installed, else the current one."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    owner, _, attribute = name.rpartition(".")
    found: Callable[..., Any] = _originals.get(name) or getattr(
        Table if owner == "Table" else DynamoDBBackend, attribute
    )
    return found
