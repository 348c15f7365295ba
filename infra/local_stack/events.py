"""S3 object notifications and schedules delivered to functions, as the template's Events wire them.

Both are asynchronous invocations on AWS, and are here: an event that fails is retried
(`EventInvokeConfig.MaximumRetryAttempts`, default 2, with delays of seconds instead of Lambda's
minutes), then reported loudly, kept in the stats and sent to the function's on-failure destination
or dead-letter queue when the template names one. Nothing is dropped silently.

- `S3` events: moto itself builds the S3 notification (it implements bucket notifications to SQS),
  so the local stack subscribes a private queue per event to the bucket with the template's
  `Events` and `Filter`, and a poller invokes the function with each notification.
- `Schedule` / `ScheduleV2` events: a scheduler thread fires the rate() expressions
  in real time (the time scale is for Step Functions waits only); `fire()` runs one at once.

Other event types (SQS, SNS, EventBridgeRule …) are listed at start as not delivered locally.
"""

from __future__ import annotations

import heapq
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from local_stack.runtime import Function, FunctionError
from local_stack.stats import DeliveryStats
from local_stack.template import Resolver, Template, event_sources, function_properties

log = logging.getLogger("local_stack.events")

ClientFactory = Callable[[str], Any]

DELIVERED_HERE: Final = frozenset({"Api", "DynamoDB", "S3", "Schedule", "ScheduleV2"})
DEFAULT_ASYNC_RETRIES: Final = 2
RETRY_DELAYS_SECONDS: Final = (1.0, 2.0)  # Lambda waits about 1 and 2 minutes


# ------------------------------------------------------------------------------------------- async delivery


@dataclass(frozen=True)
class AsyncPolicy:
    """How Lambda treats a failed asynchronous invocation of this function (from the template)."""

    maximum_retry_attempts: int = DEFAULT_ASYNC_RETRIES
    on_failure: str | None = None
    dead_letter_queue: str | None = None


def async_policy(template: Template, function: str, resolver: Resolver) -> AsyncPolicy:
    props = function_properties(template, function)
    invoke_config = resolver.resolve(props.get("EventInvokeConfig") or {})
    dead_letter = resolver.resolve(props.get("DeadLetterQueue") or {})
    on_failure = ((invoke_config.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    return AsyncPolicy(
        maximum_retry_attempts=int(invoke_config.get("MaximumRetryAttempts", DEFAULT_ASYNC_RETRIES)),
        on_failure=str(on_failure) if on_failure else None,
        dead_letter_queue=str(dead_letter["TargetArn"]) if dead_letter.get("TargetArn") else None,
    )


def _send(clients: ClientFactory, arn: str, message: Any) -> None:
    parts = arn.split(":")
    body = json.dumps(message)
    if parts[2] == "sqs":
        sqs = clients("sqs")
        url = sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=body)
    elif parts[2] == "sns":
        clients("sns").publish(TopicArn=arn, Message=body)
    else:
        raise ValueError(f"destination {arn} is not an SQS queue or SNS topic")


def invoke_async(
    function: Function,
    event: Mapping[str, Any],
    *,
    stats: DeliveryStats,
    policy: AsyncPolicy,
    clients: ClientFactory,
    stop: threading.Event,
    delays: Iterable[float] = RETRY_DELAYS_SECONDS,
) -> bool:
    """Invoke with Lambda's asynchronous retry rules; True if delivered, False if set aside (or stopped)."""
    waits = list(delays)
    error: FunctionError | None = None
    with stats.lock:
        stats.received += 1
    for attempt in range(policy.maximum_retry_attempts + 1):
        if attempt:
            with stats.lock:
                stats.retries += 1
            if stop.wait(waits[min(attempt - 1, len(waits) - 1)] if waits else 0):
                return False
        with stats.lock:
            stats.invocations += 1
        try:
            function.invoke(event)
        except FunctionError as failure:
            error = failure
            continue
        with stats.lock:
            stats.delivered += 1
        return True
    assert error is not None
    record = {
        "version": "1.0",
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": f"{function.arn}:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": policy.maximum_retry_attempts + 1,
        },
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorType": error.error_type, "errorMessage": error.message},
    }
    destination = policy.on_failure or policy.dead_letter_queue
    log.error(
        "\n%s\n%s: event SET ASIDE after %d attempt(s) - %s: %s\nsent to %s\n%s",
        "!" * 100,
        stats.mapping,
        policy.maximum_retry_attempts + 1,
        error.error_type,
        error.message,
        destination or "NO on-failure destination (kept in /local/stats.json only)",
        "!" * 100,
    )
    with stats.lock:
        stats.failed += 1
        stats.failures.append({**record, "destination": destination})
    try:
        if policy.on_failure:
            _send(clients, policy.on_failure, record)
        elif policy.dead_letter_queue:
            _send(clients, policy.dead_letter_queue, event)  # a DLQ gets the event itself
    except Exception:
        log.exception("%s: could not send the failed event to %s", stats.mapping, destination)
    return False


# ------------------------------------------------------------------------------------------- S3


@dataclass(frozen=True)
class S3Mapping:
    function: str
    event: str
    bucket: str
    events: tuple[str, ...]
    filter_rules: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return f"{self.function}.{self.event}"


def s3_mappings(template: Template, resolver: Resolver) -> list[S3Mapping]:
    found: list[S3Mapping] = []
    for source in event_sources(template, "S3"):
        props = resolver.resolve(source.properties)
        events = props["Events"]
        rules = ((props.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
        found.append(
            S3Mapping(
                function=source.function,
                event=source.event,
                bucket=str(props["Bucket"]),
                events=(events,) if isinstance(events, str) else tuple(events),
                filter_rules=tuple((str(rule["Name"]).lower(), str(rule["Value"])) for rule in rules),
            )
        )
    return found


def _full_s3_record(record: dict[str, Any]) -> dict[str, Any]:
    """moto's notification lacks a few fields S3 always sends (filled in with local values)."""
    record.setdefault("userIdentity", {"principalId": "AWS:LOCAL"})
    record.setdefault("requestParameters", {"sourceIPAddress": "127.0.0.1"})
    record.setdefault("responseElements", {"x-amz-request-id": uuid.uuid4().hex[:16].upper(), "x-amz-id-2": "local"})
    s3_object = record.get("s3", {}).get("object", {})
    s3_object.setdefault("sequencer", f"{time.time_ns():016X}")
    if "key" in s3_object:  # S3 form-encodes the key but leaves "/" as it is; moto encodes it too
        s3_object["key"] = str(s3_object["key"]).replace("%2F", "/")
    return record


class S3Poller(threading.Thread):
    """Delivers the notifications moto puts on this mapping's private queue."""

    def __init__(
        self, mapping: S3Mapping, function: Function, queue_url: str, policy: AsyncPolicy, clients: ClientFactory
    ) -> None:
        super().__init__(name=f"s3:{mapping.name}", daemon=True)
        self.mapping = mapping
        self.function = function
        self.queue_url = queue_url
        self.policy = policy
        self.stats = DeliveryStats(mapping.name)
        self._clients = clients
        self._stop_event = threading.Event()

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        sqs = self._clients("sqs")
        while not self._stop_event.is_set():
            try:
                page = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            except Exception:
                log.exception("%s: reading the notification queue failed", self.mapping.name)
                self._stop_event.wait(1.0)
                continue
            for message in page.get("Messages", []):
                body = json.loads(message["Body"])
                records = body.get("Records") if isinstance(body, dict) else None
                if records:  # (s3:TestEvent has none)
                    event = {"Records": [_full_s3_record(dict(r)) for r in records]}
                    invoke_async(
                        self.function,
                        event,
                        stats=self.stats,
                        policy=self.policy,
                        clients=self._clients,
                        stop=self._stop_event,
                    )
                    if self._stop_event.is_set():
                        return  # not deleted: it would be delivered again, as after a crash
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])


def subscribe_s3(mappings: list[S3Mapping], clients: ClientFactory, stack_name: str) -> dict[str, str]:
    """Create a private queue per mapping and point its bucket's notifications at it; name -> queue URL."""
    sqs, s3 = clients("sqs"), clients("s3")
    urls: dict[str, str] = {}
    by_bucket: dict[str, list[dict[str, Any]]] = {}
    for mapping in mappings:
        queue_name = re.sub(r"[^A-Za-z0-9_-]", "-", f"{stack_name}-local-s3-{mapping.function}-{mapping.event}")[:80]
        url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        urls[mapping.name] = url
        configuration: dict[str, Any] = {"Id": mapping.name, "QueueArn": arn, "Events": list(mapping.events)}
        if mapping.filter_rules:
            configuration["Filter"] = {
                "Key": {"FilterRules": [{"Name": name, "Value": value} for name, value in mapping.filter_rules]}
            }
        by_bucket.setdefault(mapping.bucket, []).append(configuration)
    for bucket, configurations in by_bucket.items():
        s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"QueueConfigurations": configurations}
        )
    return urls


# ------------------------------------------------------------------------------------------- schedules


_RATE: Final = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


class ScheduleExpressionError(ValueError):
    pass


def next_fire(expression: str, after: datetime, *, anchor: datetime) -> datetime | None:
    """When a rate() expression next fires strictly after `after`, counting from `anchor` (when the
    schedule was created). The template uses rate() only; cron() and at() are refused rather than
    half-supported (git history has a parser, should a schedule ever need one)."""
    expression = expression.strip()
    if match := _RATE.match(expression):
        amount, unit = int(match.group(1)), match.group(2).rstrip("s")
        if amount < 1:
            raise ScheduleExpressionError("a rate must be at least 1")
        period = timedelta(**{f"{unit}s": amount})
        elapsed = max(0.0, (after - anchor).total_seconds())
        return anchor + period * (int(elapsed // period.total_seconds()) + 1)
    raise ScheduleExpressionError(f"only rate() schedules run locally: {expression!r}")


@dataclass(frozen=True)
class ScheduleMapping:
    function: str
    event: str
    kind: str  # "Schedule" (an EventBridge rule) or "ScheduleV2" (EventBridge Scheduler)
    expression: str
    input: Any = None
    enabled: bool = True
    rule_name: str = ""

    @property
    def name(self) -> str:
        return f"{self.function}.{self.event}"


def schedule_mappings(template: Template, resolver: Resolver, stack_name: str) -> list[ScheduleMapping]:
    found: list[ScheduleMapping] = []
    for source in event_sources(template, "Schedule", "ScheduleV2"):
        props = resolver.resolve(source.properties)
        v2 = source.type == "ScheduleV2"
        expression = str(props["ScheduleExpression"] if v2 else props["Schedule"])
        next_fire(expression, _EPOCH, anchor=_EPOCH)  # refuses what cannot run at start, not hours later
        enabled = str(props.get("State", "ENABLED")).upper() != "DISABLED" and props.get("Enabled", True) is not False
        raw_input = props.get("Input")
        found.append(
            ScheduleMapping(
                function=source.function,
                event=source.event,
                kind=source.type,
                expression=expression,
                input=json.loads(raw_input) if isinstance(raw_input, str) else raw_input,
                enabled=enabled,
                rule_name=str(props.get("Name") or f"{stack_name}-{source.function}{source.event}"),
            )
        )
    return found


def schedule_event(mapping: ScheduleMapping, at: datetime, account_id: str, region: str) -> Any:
    """What the function receives when the schedule fires."""
    if mapping.input is not None:
        return mapping.input
    if mapping.kind == "ScheduleV2":
        return {}
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{account_id}:rule/{mapping.rule_name}"],
        "detail": {},
    }


class Scheduler(threading.Thread):
    """Fires every enabled schedule at its times (real time), one invocation at a time."""

    def __init__(
        self,
        mappings: list[ScheduleMapping],
        functions: Mapping[str, Function],
        policies: Mapping[str, AsyncPolicy],
        clients: ClientFactory,
        account_id: str,
        region: str,
    ) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.mappings = {m.name: m for m in mappings}
        self.functions = functions
        self.policies = policies
        self.account_id = account_id
        self.region = region
        self.stats = {m.name: DeliveryStats(m.name) for m in mappings}
        self.next_times: dict[str, datetime | None] = {}
        self._clients = clients
        self._stop_event = threading.Event()
        self._anchor = datetime.now(UTC)

    def stop(self) -> None:
        self._stop_event.set()

    def fire(self, name: str, at: datetime | None = None) -> bool:
        """Deliver one event of schedule `name` now (with the asynchronous retry rules)."""
        mapping = self.mappings[name]
        event = schedule_event(mapping, at or datetime.now(UTC), self.account_id, self.region)
        return invoke_async(
            self.functions[mapping.function],
            event,
            stats=self.stats[name],
            policy=self.policies.get(mapping.function, AsyncPolicy()),
            clients=self._clients,
            stop=self._stop_event,
        )

    def run(self) -> None:
        queue: list[tuple[datetime, str]] = []
        now = datetime.now(UTC)
        for name, mapping in self.mappings.items():
            if not mapping.enabled:
                continue
            when = next_fire(mapping.expression, now, anchor=self._anchor)
            self.next_times[name] = when
            if when is not None:
                heapq.heappush(queue, (when, name))
        while queue and not self._stop_event.is_set():
            when, name = queue[0]
            if self._stop_event.wait(max(0.0, (when - datetime.now(UTC)).total_seconds())):
                return
            heapq.heappop(queue)
            mapping = self.mappings[name]
            log.info("schedule %s (%s) fires", name, mapping.expression)
            self.fire(name, when)
            following = next_fire(mapping.expression, when, anchor=self._anchor)
            self.next_times[name] = following
            if following is not None:
                heapq.heappush(queue, (following, name))


def undelivered_events(template: Template) -> list[str]:
    """Function events of types the local stack does not deliver, as "Function.Event (Type)"."""
    return [
        f"{source.function}.{source.event} ({source.type})"
        for source in event_sources(template)
        if source.type not in DELIVERED_HERE
    ]
