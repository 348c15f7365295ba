"""No personal data leaves the table except in the mail meant for it: not in logs, not in a clock
execution's input or history, not in the events or alerts published on SNS (issue 15)."""

from __future__ import annotations

import json
import logging

import pytest

from frontdesk.models.ticket import Kind

from .lambda_support import subscribe
from .sla_support import TENANT_EMAIL, Harness, site_harness

h = site_harness

# What the harness's intake writes about the tenant (sla_support.Harness.request).
PERSONAL = ("13800138000", "张三", TENANT_EMAIL, "卫生间漏水")


def test_the_tenants_phone_name_address_and_words_appear_nowhere_but_in_their_mail(
    h: Harness, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # The level the functions log at (template: LOG_LEVEL INFO); the SDK's DEBUG wire log,
    # which prints every request, is off in Lambda as it is here.
    caplog.set_level(logging.INFO)
    events = subscribe(h.stack["EventsTopic"]["arn"] or "", "events")
    complaint = h.open(Kind.COMPLAINT)  # a reply clock
    repair = h.dispatched()  # arrival and completion clocks
    h.reach_first_rung(repair)  # an escalation: alert, list mail, tenant mail
    h.settle()
    assert h.escalations(repair) and h.alerts() and events()
    assert complaint.contact.phone == PERSONAL[0]

    histories = [
        json.dumps(h.sfn.get_execution_history(executionArn=e["executionArn"])["events"], default=str)
        + h.sfn.describe_execution(executionArn=e["executionArn"]).get("input", "")
        for e in h.executions()
    ]
    published = [json.dumps(m, ensure_ascii=False) for m in [*h.alerts(), *events()]]
    logs = capsys.readouterr().out + capsys.readouterr().err + caplog.text
    places = {"logs": logs, "executions": "\n".join(histories), "sns": "\n".join(published)}
    assert all(places.values())
    leaks = {where: [p for p in PERSONAL if p in text] for where, text in places.items()}
    offending = [line[:300] for line in logs.splitlines() if any(p in line for p in PERSONAL)]
    assert leaks == {"logs": [], "executions": [], "sns": []}, offending[:5]
