"""Stream router: reacts to every change on the table stream.

- an appended timeline event is published once to the events topic;
- a ticket dispatched starts its SLA timer (a Step Functions execution named after the dispatch:
  a replayed record finds it there, which is not an error);
- an escalation written by the timer becomes a timeline event, an alert on the escalation topic,
  mail to the rung's mailing list and, on a phase's first rung, a notice to the tenant (each once).

Partial batch failure: a record that fails is reported and retried by the event source mapping
(bisect, finite retries, maximum record age, then the on-failure queue); the others in the batch
are not redone.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from frontdesk.adapters.dynamodb import TicketStore, table
from frontdesk.adapters.sns import ChangePublisher
from frontdesk.adapters.stream_images import timeline_event
from frontdesk.models.ticket import Ticket, TimelineEvent
from frontdesk.settings import settings
from frontdesk.sla_wiring import escalations, timers
from frontdesk.stream_changes import ticket_change

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@cache
def _ports() -> tuple[TicketStore, ChangePublisher]:
    return TicketStore(table(settings().table_name)), ChangePublisher(settings().events_topic_arn)


def route(record: DynamoDBRecord) -> None:
    raw = record.raw_event["dynamodb"]
    event_name = record.raw_event.get("eventName", "")
    event = timeline_event(event_name, raw.get("NewImage"))
    if event is not None:
        _publish_once(event)
        return
    change = ticket_change(event_name, raw.get("OldImage"), raw.get("NewImage"))
    if change is not None:
        _on_ticket_change(*change)


def _publish_once(event: TimelineEvent) -> None:
    store, publisher = _ports()
    if not store.claim_routing(event):
        logger.info("already routed", extra={"ticket_id": event.ticket_id, "seq": event.seq})
        return
    try:
        publisher.publish(event)
    except Exception:
        store.release_routing(event)
        raise
    metrics.add_metric(name="EventsRouted", unit="Count", value=1)


def _on_ticket_change(old: Ticket | None, new: Ticket) -> None:
    started = timers().on_change(old, new)
    if started is not None:
        logger.info("sla timer started", extra={"ticket_id": new.ticket_id, "execution": started})
        metrics.add_metric(name="TimersStarted", unit="Count", value=1)
    outcome = escalations().on_change(old, new)
    if outcome.event is not None:
        logger.info(
            "escalation",
            extra={
                "ticket_id": new.ticket_id,
                "seq": outcome.event.seq,
                "phase": outcome.event.detail["phase"],
                "level": outcome.event.detail["level"],
                "sent": outcome.sent,
                "skipped": outcome.skipped,
            },
        )
        metrics.add_metric(name="Escalations", unit="Count", value=1)
        metrics.add_metric(name="EscalationMessagesSent", unit="Count", value=len(outcome.sent))


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=route, processor=processor, context=context))
