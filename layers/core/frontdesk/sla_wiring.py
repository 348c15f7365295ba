"""Builds the SLA timer's services from settings once per container; handlers only ask for them."""

from __future__ import annotations

from functools import cache

from frontdesk.adapters.alerts import SnsAlerts
from frontdesk.adapters.dynamodb import SiteStore, TicketStore, table
from frontdesk.adapters.ses import SesMailer
from frontdesk.adapters.sfn import StepFunctionsTimers
from frontdesk.adapters.sla_store import SlaStore
from frontdesk.mailing import MailingDesk
from frontdesk.notifications.service import Escalations
from frontdesk.settings import settings
from frontdesk.timers import Timers


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
def timers() -> Timers:
    return Timers(StepFunctionsTimers(settings().sla_timer_arn), sla_store())


@cache
def escalations() -> Escalations:
    config = settings()
    return Escalations(
        records=sla_store(),
        sites=sites(),
        mailer=SesMailer(config.sender_email, config.mail_configuration_set),
        alerts=SnsAlerts(config.escalation_topic_arn),
        base_url=config.public_base_url,
    )


@cache
def mailing_desk() -> MailingDesk:
    return MailingDesk(sla_store(), sites())


def cache_clear() -> None:
    """Forget every service built here (tests change the environment between cases)."""
    for built in (sla_store, sites, tickets, timers, escalations, mailing_desk):
        built.cache_clear()
