"""`ParallelizationFactor` of a DynamoDB event source mapping, emulated: up to N batches of one shard
delivered at once.

Lambda reads a shard and hands its records to up to N concurrent batchers, each record to the one
its partition key hashes to, so the records of one key stay in stream order in one lane while other
keys go on beside them (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html, "Concurrent
batches per shard"). Here a page read from the shard (up to N × BatchSize records) is split the same
way: each lane delivers its records in batches of BatchSize, one after another, through the poller's
own delivery (retries, bisection, ReportBatchItemFailures, set-aside: each works inside its lane, as
on Lambda), and the lanes run at once on a small pool of threads. The shard's iterator moves past
the page only when every lane is done with it, which is Lambda's checkpoint: never past a record an
earlier one of another lane is still waiting behind. A failing batch holds up its own lane; the
other lanes finish the page, then wait for it (Lambda's other lanes would go on reading: the
difference is only how far they get ahead, never the order of one key).
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

Record = dict[str, Any]
# Delivers one batch of a lane: (shard id, lane, records).
DeliverBatch = Callable[[str, int, list[Record]], None]


def hash_key_of(description: Mapping[str, Any]) -> str | None:
    """The partition key's attribute name, from a DescribeStream answer's KeySchema."""
    for key in description.get("KeySchema") or []:
        if key.get("KeyType") == "HASH":
            return str(key["AttributeName"])
    return None


def lane_of(record: Mapping[str, Any], factor: int, hash_key: str | None) -> int:
    """The lane of a record: a stable hash of its partition key's value (lane 0 when it has none)."""
    if factor <= 1 or hash_key is None:
        return 0
    value = (record.get("dynamodb") or {}).get("Keys", {}).get(hash_key)
    if value is None:
        return 0
    return zlib.crc32(json.dumps(value, sort_keys=True).encode()) % factor


def split(records: list[Record], factor: int, hash_key: str | None) -> dict[int, list[Record]]:
    """The records by lane, each lane in stream order."""
    lanes: dict[int, list[Record]] = {}
    for record in records:
        lanes.setdefault(lane_of(record, factor, hash_key), []).append(record)
    return lanes


def batches(records: list[Record], size: int) -> list[list[Record]]:
    return [records[start : start + size] for start in range(0, len(records), max(1, size))]


class Lanes:
    """The lanes of one mapping; `deliver` returns when every record of the page is done."""

    def __init__(self, name: str, factor: int, batch_size: int) -> None:
        self.factor = max(1, factor)
        self.batch_size = batch_size
        self.hash_key: str | None = None  # set from the stream's description
        # threads start on first use, at most one a lane, and stay: their number does not grow with the load
        self._pool = ThreadPoolExecutor(self.factor, thread_name_prefix=f"stream:{name}:lane") if factor > 1 else None
        self._closing = threading.Lock()
        self._closed = False

    @property
    def page_size(self) -> int:
        """How many records to read at a time: a batch for each lane (GetRecords gives at most 1,000)."""
        return min(1000, self.batch_size * self.factor)

    def deliver(self, shard_id: str, records: list[Record], deliver_batch: DeliverBatch) -> None:
        lanes = split(records, self.factor, self.hash_key)
        if self._pool is None or len(lanes) == 1:
            for lane, in_lane in lanes.items():
                _run_lane(shard_id, lane, in_lane, self.batch_size, deliver_batch)
            return
        with self._closing:
            if self._closed:
                return  # stopping: the page stays unacknowledged, as when a poller dies
            running = [
                self._pool.submit(_run_lane, shard_id, lane, in_lane, self.batch_size, deliver_batch)
                for lane, in_lane in lanes.items()
            ]
        wait(running)  # the page is done when every lane is
        for future in running:
            future.result()  # a lane's error is the poller's, as before lanes

    def close(self) -> None:
        """No new page; the batches being delivered finish (their lanes see the poller stopping)."""
        with self._closing:
            self._closed = True
            if self._pool is not None:
                self._pool.shutdown(wait=False)


def _run_lane(shard_id: str, lane: int, records: list[Record], size: int, deliver_batch: DeliverBatch) -> None:
    for batch in batches(records, size):
        deliver_batch(shard_id, lane, batch)
