"""Stream router: reacts to every change on the table stream.

- an appended timeline event is published to the events topic (then marked: at least once); a
  repair's acceptance is also recorded on the complaint it came from (frontdesk.app.linked); a
  complaint handled, a key repair or a rework completed creates its callback (回访) with its clock;
- a clock written starts the execution of a new generation (named after the clock and its
  generation: a replayed record finds it there, which is not an error) and stops the one a change
  ended (met, paused, cancelled, re-planned);
- a rung the state machine reached is recorded on the clock's subject (ticket or incident report)
  and becomes an alert on the escalation topic, mail to the rung's mailing list and, on a ticket's
  first rung, a notice to the tenant (each once); the batch's ticket rungs mail each site's list
  once, a digest when there are several (one power cut, many tickets: docs/decisions/0026);
- an incident report that owes notices (submitted, escalated) sends them;
- a complaint or emergency ticket, or an incident report, created enters itself in the duty log
  (once per ticket or report, however often the record is delivered: docs/decisions/0024);
- a ticket whose tenant left an address owes them an acknowledgement, each reply the desk
  writes them, and a word when it is closed as a duplicate of another: mailed, then forgotten;
- a serious complaint, one for company leadership or an emergency owes the staff named for it a
  mail at intake (frontdesk.app.routing): each list mailed once, recorded, then forgotten;
- work the end-of-day sweep marked unfinished owes its client a mail: mailed, then forgotten;
- an apology letter sent by mail (frontdesk.domain.apology) is mailed to the client once, then forgotten.
- a unit invited to the semi-annual survey whose tenant left an address is mailed its link, once.

Partial batch failure: a record that fails is reported and retried by the event source mapping
(bisect, finite retries, maximum record age, then the on-failure queue); the others in the batch
are not redone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from frontdesk import wiring
from frontdesk.adapters.clocks import clock_change
from frontdesk.adapters.stream_images import from_image, timeline_event
from frontdesk.function_metrics import function_metrics
from frontdesk.tracing import tracer as traced

if TYPE_CHECKING:
    from frontdesk.app.escalations import TicketEscalations
    from frontdesk.models.clock import Clock
    from frontdesk.models.ticket import TimelineEvent

# The feature modules an item names (notices, the duty log, survey invitations) are imported by the
# branch that handles that item: a batch of timeline events or clocks does not pay for them (ADR 0027).

logger = Logger()
tracer = traced()
metrics = function_metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def route(record: DynamoDBRecord) -> None:
    with wiring.list_digests().owed_by(str(record.raw_event["dynamodb"].get("SequenceNumber", ""))):
        _route(record)


def _route(record: DynamoDBRecord) -> None:
    raw = record.raw_event["dynamodb"]
    event_name = record.raw_event.get("eventName", "")
    event = timeline_event(event_name, raw.get("NewImage"))
    if event is not None:
        _publish_once(event)
        _callback_for(event)
        return
    change = clock_change(event_name, raw.get("OldImage"), raw.get("NewImage"))
    if change is not None:
        _on_clock_change(*change)
        return
    _on_item_written(event_name, raw.get("NewImage"))


def _publish_once(event: TimelineEvent) -> None:
    """Published, then marked: a crash in between publishes it again, never loses it."""
    store, publisher = wiring.tickets(), wiring.publisher()
    if store.was_routed(event):
        logger.info("already routed", extra={"ticket_id": event.ticket_id, "seq": event.seq})
        return
    if event.action == "accept":  # before the mark: a failure here retries the record
        wiring.linked_complaints().on_accept(event)
    publisher.publish(event)
    store.mark_routed(event)
    metrics.add_metric(name="EventsRouted", unit="Count", value=1)


def _callback_for(event: TimelineEvent) -> None:
    """A complaint handled, a key repair or a rework completed: its callback, once (docs/decisions/0023)."""
    created = wiring.callbacks().on_event(event)
    if created is not None:
        logger.info(
            "callback created",
            extra={"callback_id": created.callback_id, "reason": created.reason.value, "due": created.due},
        )
        metrics.add_metric(name="CallbacksCreated", unit="Count", value=1)
    # offered to the tenant by mail, once (a redelivered record sends what an earlier one did not)
    if wiring.callbacks().invitation(event) is not None:
        outcome = wiring.ticket_escalations().invite_to_survey(event.ticket_id, event.seq)
        logger.info("survey offered", extra={"ticket_id": event.ticket_id, "outcome": outcome})


@cache
def _tenant_notices() -> dict[str, tuple[Callable[[TicketEscalations, str, int], str], str]]:
    """A notice item owed to a tenant, mailed by the ticket's escalations: (what it mails, the metric).
    Each is mailed at most once; the notice is forgotten after. Methods, not their names: mypy checks them."""
    from frontdesk.app.escalations import TicketEscalations
    from frontdesk.domain.apology import APOLOGY_NOTICE
    from frontdesk.domain.bulk import DUPLICATE_NOTICE
    from frontdesk.domain.conversation import REPLY
    from frontdesk.domain.sweep import UNFINISHED

    return {
        UNFINISHED: (TicketEscalations.mail_unfinished, "UnfinishedMailed"),
        REPLY: (TicketEscalations.mail_reply, "RepliesMailed"),
        DUPLICATE_NOTICE: (TicketEscalations.mail_duplicate, "DuplicatesMailed"),
        APOLOGY_NOTICE: (TicketEscalations.mail_apology, "ApologiesMailed"),
    }


def _on_item_written(event_name: str, image: dict[str, Any] | None) -> None:
    from frontdesk.adapters.campaigns import INVITATION

    if event_name not in {"INSERT", "MODIFY"} or not image:
        return
    item = from_image(image)
    if event_name == "INSERT":
        _enter_in_duty_log(item)
    if item.get("type") == "incident_report" and item.get("owed"):
        wiring.incident_notices().on_change(str(item["report_id"]))
    elif item.get("type") == "notice":
        _on_notice(str(item.get("notice")), str(item["ticket_id"]), item)
    elif item.get("type") == INVITATION and event_name == "INSERT" and item.get("email_known"):
        where = (str(item["site_id"]), str(item["period"]), str(item["building_id"]), str(item["unit"]))
        logger.info("survey invitation", extra={"site_id": where[0], "outcome": wiring.campaigns().mail(*where)})


def _on_notice(notice: str, ticket_id: str, item: dict[str, Any]) -> None:
    from frontdesk.domain.routing import ROUTED

    if notice == "acknowledgement":
        outcome = wiring.ticket_escalations().acknowledge(ticket_id)
        logger.info("acknowledgement", extra={"ticket_id": ticket_id, "outcome": outcome})
        metrics.add_metric(name="Acknowledgements", unit="Count", value=1)
    elif notice == ROUTED:
        routed = wiring.intake_routing().route(ticket_id)
        told = {"sent": routed.sent, "empty": routed.empty, "refused": routed.refused}
        logger.info("routed at intake", extra={"ticket_id": ticket_id, **told})
        metrics.add_metric(name="IntakeRoutings", unit="Count", value=1)
    elif notice in _tenant_notices():
        mail, metric = _tenant_notices()[notice]
        outcome = mail(wiring.ticket_escalations(), ticket_id, int(str(item["seq"])))
        logger.info(f"{notice} mailed", extra={"ticket_id": ticket_id, "outcome": outcome})
        metrics.add_metric(name=metric, unit="Count", value=1)


def _enter_in_duty_log(item: dict[str, Any]) -> None:
    from frontdesk.domain.duty import LOGGED_KINDS

    if item.get("type") == "ticket" and item.get("kind") in LOGGED_KINDS:
        entered = wiring.duty_entries().on_ticket(str(item["ticket_id"]))
    elif item.get("type") == "incident_report":
        entered = wiring.duty_entries().on_report(str(item["report_id"]))
    else:
        return
    if entered:
        metrics.add_metric(name="DutyEntries", unit="Count", value=1)


def _on_clock_change(old: Clock | None, new: Clock) -> None:
    handled = wiring.clock_runner().on_change(old, new)
    ids = {"clock_id": new.clock_id, "kind": new.kind.value, "gen": new.gen}
    if handled.stopped is not None:
        logger.info("clock execution stopped", extra={**ids, "execution": handled.stopped})
    if handled.started is not None:
        logger.info("clock execution started", extra={**ids, "execution": handled.started})
        metrics.add_metric(name="ClocksStarted", unit="Count", value=1)
    if handled.reached is not None:
        outcome = handled.recorded
        logger.info(
            "escalation",
            extra={
                **ids,
                "level": handled.reached,
                "sent": getattr(outcome, "sent", None),
                "skipped": getattr(outcome, "skipped", None),
                "failed": getattr(outcome, "failed", None),
            },
        )
        metrics.add_metric(name="Escalations", unit="Count", value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    digests = wiring.list_digests()
    with digests.batch():
        response: dict[str, Any] = dict(
            process_partial_response(event=event, record_handler=route, processor=processor, context=context)
        )
        unsent = digests.flush()
    if unsent:  # delivered again; what went out is marked and not owed again
        failures: list[dict[str, str]] = list(response.get("batchItemFailures") or [])
        named = {failure["itemIdentifier"] for failure in failures}
        failures += [{"itemIdentifier": sequence} for sequence in sorted(unsent - named, key=int)]
        response["batchItemFailures"] = failures
    return response
