"""Stream router: every appended timeline event is published once to the events topic.

Partial batch failure: a record that fails is reported and retried by the event source mapping
(bisect, finite retries, then the on-failure queue); the others in the batch are not redone.
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
from frontdesk.routing import timeline_event
from frontdesk.settings import settings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@cache
def _ports() -> tuple[TicketStore, ChangePublisher]:
    return TicketStore(table(settings().table_name)), ChangePublisher(settings().events_topic_arn)


def route(record: DynamoDBRecord) -> None:
    raw = record.raw_event["dynamodb"]
    event = timeline_event(record.raw_event.get("eventName", ""), raw.get("NewImage"))
    if event is None:
        return
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


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=route, processor=processor, context=context))
