"""moto's DynamoDB stream keeps every record forever; here the records every poller has read go.

On AWS a stream keeps its records 24 hours. moto keeps them as long as the process lives: each
record holds the item's old and new image as JSON, ~3 KB, 19 per ticket, so 20,000 tickets held
1 GB of records (bench/stack_memory.py) and the stack grew to 3 GB. Locally the only readers of
the stream are the template's event source mappings (local_stack.streams pollers), so a record
that every mapping of its stream has read serves nobody any more. Those records are trimmed,
except the newest `KEEP_READ_RECORDS` of them (for a look at the stream by hand):

- never a record a poller has not yet read: the lowest position of all the stream's pollers
  bounds the trim, and a stream that has a mapping without a poller (disabled, or its function
  missing) is not trimmed at all;
- moto's numbering stays: the shard's `starting_sequence_number` moves by the records dropped,
  so new records, iterators (TRIM_HORIZON starts at the oldest record kept, as on AWS) and the
  pollers' own iterators keep their sequence numbers;
- moto_queries' index map, kept from the stream, first reads what it has not read yet, then its
  position moves with the list (`moto_queries.records_dropped`);
- under moto_fixes' lock, like every write and every transaction (whose rollback truncates the
  stream to a length it took under the same lock).

See docs/decisions/0011-moto-costs-that-grow-with-the-table.md.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, Final

from local_stack import moto_fixes, moto_queries
from local_stack.streams import StreamMapping, StreamPoller

KEEP_READ_RECORDS: Final = 1000
# Trim only once this many more records could go: dropping the head of a list moves the rest.
TRIM_CHUNK: Final = 1000

log = logging.getLogger("local_stack.streams")

ShardFinder = Callable[[str], Any]  # stream ARN -> moto's StreamShard, or None


def moto_shard(stream_arn: str) -> Any:
    """moto's shard of the stream named by the ARN (this process's moto), or None."""
    from moto.dynamodb.models import dynamodb_backends

    _, _, _, region, account, resource = stream_arn.split(":", 5)
    table_name = resource.split("/")[1]
    table = dynamodb_backends[account][region].tables.get(table_name)
    return table.stream_shard if table is not None else None


def trim(shard: Any, count: int) -> None:
    """Drop the shard's `count` oldest records, keeping the numbering of the others (under the lock)."""
    with moto_fixes.lock():
        count = min(count, len(shard.items))
        if count <= 0:
            return
        moto_queries.records_dropped(shard.table, shard.items, count)
        del shard.items[:count]
        shard.starting_sequence_number += count


class StreamRetention:
    """Per stream ARN, the pollers that read it; each read may trim what all of them have read."""

    def __init__(
        self,
        mappings: Sequence[StreamMapping],
        pollers: Sequence[StreamPoller],
        *,
        find_shard: ShardFinder = moto_shard,
        keep: int = KEEP_READ_RECORDS,
        chunk: int = TRIM_CHUNK,
    ) -> None:
        self._find_shard = find_shard
        self._keep = keep
        self._chunk = chunk
        self.trimmed: dict[str, int] = {}
        readers: dict[str, list[StreamPoller]] = defaultdict(list)
        for poller in pollers:
            readers[poller.mapping.stream_arn].append(poller)
        self._readers: dict[str, list[StreamPoller]] = {}
        for arn, found in readers.items():
            unread = [m.name for m in mappings if m.stream_arn == arn and m.name not in {p.mapping.name for p in found}]
            if unread:
                log.info("%s: not trimmed, %s read(s) nothing", arn, ", ".join(unread))
                continue
            self._readers[arn] = found
            self.trimmed[arn] = 0  # every key now: /local/stats.json copies the dict while pollers count
        for poller in pollers:
            if poller.mapping.stream_arn in self._readers:
                poller.on_read = self.read

    def read(self, poller: StreamPoller) -> None:
        """A poller read records: trim what every reader of its stream has read, but the newest `keep`."""
        arn = poller.mapping.stream_arn
        readers = self._readers.get(arn)
        if not readers:
            return
        shard = self._find_shard(arn)
        if shard is None:
            return
        positions = [reader.read_through.get(shard.id) for reader in readers]
        if any(position is None for position in positions):
            return  # a reader that has read nothing of this shard
        lowest = min(p for p in positions if p is not None)
        with moto_fixes.lock():
            passed = min(lowest - shard.starting_sequence_number + 1, len(shard.items))
            excess = passed - self._keep
            if excess >= self._chunk:
                trim(shard, excess)
                self.trimmed[arn] += excess
