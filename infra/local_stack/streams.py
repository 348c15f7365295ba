"""DynamoDB stream records delivered to functions the way a Lambda event source mapping does it.

One poller thread per `DynamoDB` event of the template reads the stream through the DynamoDB
Streams API (describe_stream, get_shard_iterator, get_records) and invokes the function with
Lambda-shaped batches, one batch at a time per shard and lane (one lane unless the mapping has a
ParallelizationFactor, below), so the records of a partition key reach the function in stream
order. What the template says about errors is honoured:

- `FunctionResponseTypes: [ReportBatchItemFailures]`: the records before the first reported failure
  are done; the batch is retried from that record. An identifier that is not in the batch fails
  the whole batch, as on Lambda.
- A function error retries the batch; with `BisectBatchOnFunctionError` the batch is split in two
  first (splitting does not count as a retry).
- `FilterCriteria`: records no filter matches are dropped before batching (local_stack.filters)
  and counted as `filtered`; the function never sees them.
- `ParallelizationFactor`: up to that many batches of a shard at once, the records of one partition
  key in order in one lane (local_stack.stream_lanes).
- After `MaximumRetryAttempts` retries (or past `MaximumRecordAgeInSeconds`) the records are set
  aside: a Lambda-shaped invocation record (requestContext, responseContext, DDBStreamBatchInfo)
  goes to `DestinationConfig.OnFailure`, is logged loudly and kept in the stats. Nothing is
  dropped silently, and the stats count every record delivered or set aside exactly once.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from local_stack.filters import EventFilter, event_filter
from local_stack.runtime import Function, FunctionError
from local_stack.stats import DeliveryStats
from local_stack.stream_lanes import Lanes, hash_key_of
from local_stack.template import Resolver, Template, event_sources

log = logging.getLogger("local_stack.streams")

ClientFactory = Callable[[str], Any]

DEFAULT_BATCH_SIZE: Final = 100
POLL_INTERVAL_SECONDS: Final = 0.25  # Lambda polls a shard about four times a second
IDLE_POLL_INTERVAL_SECONDS: Final = 1.0
IDLE_AFTER_SECONDS: Final = 10.0
SHARD_REFRESH_SECONDS: Final = 10.0
MAX_BACKOFF_SECONDS: Final = 2.0
# Properties of a DynamoDB event that change delivery and are not applied locally.
UNSUPPORTED_PROPERTIES: Final = (
    "MaximumBatchingWindowInSeconds",
    "TumblingWindowInSeconds",
)


@dataclass(frozen=True)
class StreamMapping:
    """A function's DynamoDB event source as the template declares it (resolved)."""

    function: str
    event: str
    stream_arn: str
    batch_size: int = DEFAULT_BATCH_SIZE
    parallelization_factor: int = 1
    starting_position: str = "TRIM_HORIZON"
    maximum_retry_attempts: int = -1
    bisect_on_error: bool = False
    report_batch_item_failures: bool = False
    maximum_record_age_seconds: int = -1
    on_failure: str | None = None
    enabled: bool = True
    filter: EventFilter = field(default_factory=lambda: EventFilter(()))
    unsupported: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.function}.{self.event}"


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def stream_mappings(template: Template, resolver: Resolver) -> list[StreamMapping]:
    """Every `DynamoDB` event of the template's functions."""
    found: list[StreamMapping] = []
    for source in event_sources(template, "DynamoDB"):
        props = resolver.resolve(source.properties)
        on_failure = (props.get("DestinationConfig") or {}).get("OnFailure") or {}
        found.append(
            StreamMapping(
                function=source.function,
                event=source.event,
                stream_arn=str(props["Stream"]),
                batch_size=int(props.get("BatchSize", DEFAULT_BATCH_SIZE)),
                parallelization_factor=int(props.get("ParallelizationFactor", 1)),
                starting_position=str(props.get("StartingPosition", "TRIM_HORIZON")),
                maximum_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
                bisect_on_error=_flag(props.get("BisectBatchOnFunctionError", False)),
                report_batch_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
                maximum_record_age_seconds=int(props.get("MaximumRecordAgeInSeconds", -1)),
                on_failure=str(on_failure["Destination"]) if on_failure.get("Destination") else None,
                enabled=_flag(props.get("Enabled", True)),
                filter=event_filter(props.get("FilterCriteria")),
                unsupported=tuple(key for key in UNSUPPORTED_PROPERTIES if key in props),
            )
        )
    return found


# ------------------------------------------------------------------------------------------- records


def _lambda_attribute(value: Any) -> Any:
    """boto3 gives binary attributes as bytes; Lambda's JSON event carries them base64-encoded."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return {key: _lambda_attribute(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_lambda_attribute(item) for item in value]
    return value


def lambda_record(raw: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A get_records record as it appears in the event Lambda passes to the function."""
    dynamodb = dict(raw["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    record: dict[str, Any] = {
        "eventID": raw.get("eventID"),
        "eventName": raw.get("eventName"),
        "eventVersion": raw.get("eventVersion", "1.1"),
        "eventSource": raw.get("eventSource", "aws:dynamodb"),
        "awsRegion": raw.get("awsRegion", region),
        "dynamodb": _lambda_attribute(dynamodb),
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in raw:
        record["userIdentity"] = raw["userIdentity"]
    return record


def _sequence(record: Mapping[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def _created(record: Mapping[str, Any]) -> float | None:
    value = record["dynamodb"].get("ApproximateCreationDateTime")
    return float(value) if isinstance(value, int | float) else None


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ------------------------------------------------------------------------------------------- stats


@dataclass
class StreamStats(DeliveryStats):
    """What a poller did. `delivered + failed + filtered` counts every record read exactly once."""

    filtered: int = 0
    duplicates: int = 0
    function_errors: int = 0
    partial_failures: int = 0
    bisections: int = 0
    in_flight: int = 0
    last_sequence_number: str | None = None
    _high_water: dict[str, int] = field(default_factory=dict, repr=False)

    def done(self, shard_id: str, records: list[dict[str, Any]], *, failed: bool = False, lane: int = 0) -> None:
        """Records of a lane complete in stream order (lanes of one shard finish in any order)."""
        with self.lock:
            for record in records:
                sequence = int(_sequence(record))
                if sequence <= self._high_water.get(f"{shard_id}#{lane}", -1):
                    self.duplicates += 1
                    log.error("%s: record %s completed twice", self.mapping, sequence)
                    continue
                self._high_water[f"{shard_id}#{lane}"] = sequence
                self.last_sequence_number = str(sequence)
                self.in_flight -= 1
                if failed:
                    self.failed += 1
                else:
                    self.delivered += 1


# ------------------------------------------------------------------------------------------- poller


@dataclass
class _Outcome:
    ok: bool
    first_failed: int | None = None  # index of the first failed record (partial batch response)
    error: FunctionError | None = None


class StreamPoller(threading.Thread):
    """Reads one stream and delivers it to one function until `stop()`."""

    def __init__(self, mapping: StreamMapping, function: Function, clients: ClientFactory, region: str) -> None:
        super().__init__(name=f"stream:{mapping.name}", daemon=True)
        self.mapping = mapping
        self.function = function
        self.region = region
        self.stats = StreamStats(mapping.name)
        self._clients = clients
        self._stop_event = threading.Event()
        self._iterators: dict[str, str | None] = {}
        # Per shard, the sequence number of the last record read: read records stay in this
        # poller's hands (retries use them), so the stream may drop them (local_stack.stream_retention).
        self.read_through: dict[str, int] = {}
        self.on_read: Callable[[StreamPoller], None] | None = None
        self._lanes = Lanes(mapping.name, mapping.parallelization_factor, mapping.batch_size)

    def stop(self) -> None:
        self._stop_event.set()
        self._lanes.close()

    @property
    def stopping(self) -> bool:
        return self._stop_event.is_set()

    # -- reading

    def _refresh_shards(self, streams: Any) -> None:
        description = streams.describe_stream(StreamArn=self.mapping.stream_arn)["StreamDescription"]
        self._lanes.hash_key = hash_key_of(description)
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = streams.get_shard_iterator(
                    StreamArn=self.mapping.stream_arn,
                    ShardId=shard_id,
                    ShardIteratorType=self.mapping.starting_position,
                )["ShardIterator"]

    def run(self) -> None:
        streams = self._clients("dynamodbstreams")
        last_refresh = 0.0
        idle_since = time.monotonic()
        failures_in_a_row = 0
        while not self.stopping:
            busy = False
            try:
                if time.monotonic() - last_refresh > SHARD_REFRESH_SECONDS:
                    self._refresh_shards(streams)
                    last_refresh = time.monotonic()
                for shard_id, iterator in list(self._iterators.items()):
                    if iterator is None or self.stopping:
                        continue  # a closed shard, read to its end
                    page = streams.get_records(ShardIterator=iterator, Limit=self._lanes.page_size)
                    raw = page.get("Records", [])
                    if raw:
                        busy = True
                        self.read_through[shard_id] = int(_sequence(raw[-1]))
                        records = [lambda_record(r, self.mapping.stream_arn, self.region) for r in raw]
                        kept = [record for record in records if self.mapping.filter.keeps(record)]
                        with self.stats.lock:
                            self.stats.received += len(records)
                            self.stats.filtered += len(records) - len(kept)
                            self.stats.in_flight += len(kept)
                        if kept:
                            self._lanes.deliver(shard_id, kept, self._deliver_lane)
                        if self.stopping:
                            return  # unfinished records stay unacknowledged, as when a poller dies
                    self._iterators[shard_id] = page.get("NextShardIterator")
                    if raw and self.on_read is not None:
                        self.on_read(self)
                failures_in_a_row = 0
            except Exception:
                failures_in_a_row += 1
                log.exception("%s: reading the stream failed (attempt %d)", self.mapping.name, failures_in_a_row)
                self._stop_event.wait(min(MAX_BACKOFF_SECONDS, 0.25 * failures_in_a_row))
                continue
            if busy:
                idle_since = time.monotonic()
                continue
            idle = time.monotonic() - idle_since > IDLE_AFTER_SECONDS
            self._stop_event.wait(IDLE_POLL_INTERVAL_SECONDS if idle else POLL_INTERVAL_SECONDS)

    # -- delivering

    def _invoke(self, records: list[dict[str, Any]]) -> _Outcome:
        with self.stats.lock:
            self.stats.invocations += 1
        try:
            result = self.function.invoke({"Records": records})
        except FunctionError as error:
            with self.stats.lock:
                self.stats.function_errors += 1
            return _Outcome(ok=False, error=error)
        if not self.mapping.report_batch_item_failures or not isinstance(result, dict):
            return _Outcome(ok=True)
        failures = result.get("batchItemFailures")
        if not failures:
            return _Outcome(ok=True)
        sequences = [_sequence(record) for record in records]
        identifiers = [item.get("itemIdentifier") if isinstance(item, dict) else None for item in failures]
        with self.stats.lock:
            self.stats.partial_failures += 1
        if any(not isinstance(i, str) or i not in sequences for i in identifiers):
            log.error("%s: batchItemFailures names records not in the batch: the whole batch failed", self.mapping.name)
            return _Outcome(ok=False)
        return _Outcome(ok=False, first_failed=min(sequences.index(str(i)) for i in identifiers))

    def _too_old(self, record: dict[str, Any]) -> bool:
        created = _created(record)
        limit = self.mapping.maximum_record_age_seconds
        return limit >= 0 and created is not None and time.time() - created > limit

    def _deliver_lane(self, shard_id: str, lane: int, records: list[dict[str, Any]]) -> None:
        self._deliver(shard_id, records, lane)

    def _deliver(self, shard_id: str, records: list[dict[str, Any]], lane: int = 0) -> None:
        """Deliver one batch (and its retries, halves) until every record is done or set aside."""
        work: deque[tuple[list[dict[str, Any]], int]] = deque([(records, 0)])
        limit = self.mapping.maximum_retry_attempts
        while work and not self.stopping:
            batch, retries = work.popleft()
            expired = 0
            while expired < len(batch) and self._too_old(batch[expired]):
                expired += 1
            if expired:
                self._set_aside(shard_id, batch[:expired], "RecordAgeExceeded", retries, None, lane)
                batch = batch[expired:]
                if not batch:
                    continue
            outcome = self._invoke(batch)
            if outcome.ok:
                self.stats.done(shard_id, batch, lane=lane)
                continue
            if outcome.first_failed is not None:
                self.stats.done(shard_id, batch[: outcome.first_failed], lane=lane)
                batch = batch[outcome.first_failed :]
            elif self.mapping.bisect_on_error and len(batch) > 1:
                middle = len(batch) // 2
                with self.stats.lock:
                    self.stats.bisections += 1
                work.appendleft((batch[middle:], retries))
                work.appendleft((batch[:middle], retries))
                continue
            if 0 <= limit <= retries:
                self._set_aside(shard_id, batch, "RetryAttemptsExhausted", retries, outcome.error, lane)
                continue
            with self.stats.lock:
                self.stats.retries += 1
            self._stop_event.wait(min(MAX_BACKOFF_SECONDS, 0.1 * 2**retries))
            work.appendleft((batch, retries + 1))

    def _set_aside(
        self,
        shard_id: str,
        records: list[dict[str, Any]],
        condition: str,
        retries: int,
        error: FunctionError | None,
        lane: int = 0,
    ) -> None:
        response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if error is not None:
            response_context["functionError"] = "Unhandled"
        invocation_record = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.function.arn,
                "condition": condition,
                "approximateInvokeCount": retries + 1,
            },
            "responseContext": response_context,
            "version": "1.0",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": _sequence(records[0]),
                "endSequenceNumber": _sequence(records[-1]),
                "approximateArrivalOfFirstRecord": _iso(_created(records[0])),
                "approximateArrivalOfLastRecord": _iso(_created(records[-1])),
                "batchSize": len(records),
                "streamArn": self.mapping.stream_arn,
            },
        }
        destination = self.mapping.on_failure
        log.error(
            "\n%s\n%s: %d stream record(s) SET ASIDE (%s) after %d attempt(s): sequence %s..%s%s\nsent to %s\n%s",
            "!" * 100,
            self.mapping.name,
            len(records),
            condition,
            retries + 1,
            _sequence(records[0]),
            _sequence(records[-1]),
            f" - last error {error.error_type}: {error.message}" if error else "",
            destination or "NO on-failure destination (kept in /local/stats.json only)",
            "!" * 100,
        )
        with self.stats.lock:
            self.stats.failures.append({**invocation_record, "destination": destination})
        if destination:
            try:
                _send_to_destination(self._clients, destination, invocation_record)
            except Exception:
                log.exception("%s: could not send the invocation record to %s", self.mapping.name, destination)
        self.stats.done(shard_id, records, failed=True, lane=lane)


def _send_to_destination(clients: ClientFactory, arn: str, message: Mapping[str, Any]) -> None:
    service = arn.split(":")[2]
    body = json.dumps(message)
    if service == "sqs":
        account, name = arn.split(":")[4], arn.split(":")[5]
        sqs = clients("sqs")
        url = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=body)
    elif service == "sns":
        clients("sns").publish(TopicArn=arn, Message=body)
    else:
        raise ValueError(f"on-failure destination {arn} is not an SQS queue or SNS topic")


def start_pollers(
    mappings: list[StreamMapping], functions: Mapping[str, Function], clients: ClientFactory, region: str
) -> list[StreamPoller]:
    """A started poller per enabled mapping whose function exists; the others are reported."""
    pollers: list[StreamPoller] = []
    for mapping in mappings:
        function = functions.get(mapping.function)
        if not mapping.enabled:
            log.warning("%s: disabled in the template; not delivered", mapping.name)
            continue
        if function is None or not function.exists():
            log.warning(
                "%s: %s does not exist yet; its stream is NOT delivered (records wait in the stream)",
                mapping.name,
                function.handler.path if function else mapping.function,
            )
            continue
        for key in mapping.unsupported:
            log.warning("%s: %s is not applied locally", mapping.name, key)
        poller = StreamPoller(mapping, function, clients, region)
        poller.start()
        pollers.append(poller)
    return pollers
