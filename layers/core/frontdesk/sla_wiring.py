"""Builds the clock engine's services from settings once per container; handlers only ask for them."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from frontdesk.adapters.alerts import SnsAlerts
from frontdesk.adapters.clocks import ClockStore, start_payload
from frontdesk.adapters.dynamodb import SiteStore, TicketStore, table
from frontdesk.adapters.ses import SesMailer
from frontdesk.adapters.sfn import StepFunctionsTimers
from frontdesk.adapters.sla_store import SlaStore
from frontdesk.app.clocks import ClockPlanner, ClockRunner, LadderEdits, Reconciler
from frontdesk.app.escalations import TicketEscalations
from frontdesk.app.mailing import MailingDesk
from frontdesk.models.clock import Clock, SubjectType
from frontdesk.settings import settings


@cache
def sla_store() -> SlaStore:
    return SlaStore(table(settings().table_name))


@cache
def sites() -> SiteStore:
    return SiteStore(table(settings().table_name))


@cache
def tickets() -> TicketStore:
    return TicketStore(table(settings().table_name))


@cache
def clock_store() -> ClockStore:
    return ClockStore(table(settings().table_name))


@cache
def engine() -> StepFunctionsTimers:
    return StepFunctionsTimers(settings().clock_machine_arn)


@cache
def planner() -> ClockPlanner:
    return ClockPlanner(clock_store(), sla_store())


@cache
def ticket_escalations() -> TicketEscalations:
    config = settings()
    return TicketEscalations(
        tickets=tickets(),
        sent=sla_store(),
        sites=sites(),
        mailer=SesMailer(config.sender_email, config.mail_configuration_set),
        alerts=SnsAlerts(config.escalation_topic_arn),
        base_url=config.public_base_url,
    )


def _report_rung(clock: Clock, level: int) -> None:
    from frontdesk import evidence_wiring  # incident reports load their services on first use

    evidence_wiring.incident_notices().on_rung(clock, level)


@cache
def clock_runner() -> ClockRunner:
    recorders: dict[SubjectType, Callable[[Clock, int], Any]] = {
        SubjectType.TICKET: ticket_escalations(),
        SubjectType.REPORT: _report_rung,
    }
    return ClockRunner(engine(), start_payload, recorders)


@cache
def reconciler() -> Reconciler:
    return Reconciler(clock_store(), engine(), start_payload)


@cache
def mailing_desk() -> MailingDesk:
    return MailingDesk(sla_store(), sites(), LadderEdits(clock_store()))


def cache_clear() -> None:
    """Forget every service built here (tests change the environment between cases)."""
    for built in (
        sla_store,
        sites,
        tickets,
        clock_store,
        engine,
        planner,
        ticket_escalations,
        clock_runner,
        reconciler,
        mailing_desk,
    ):
        built.cache_clear()
