"""Who is told at intake (frontdesk.app.routing): mails per intake when every stream record is
delivered twice, and the stream router's time for the owed notice, first and second delivery.

Each scenario opens N tickets through the application on moto (the harness of tests/integration),
reads the table's stream, and hands every batch to the real stream router twice, as an event
source mapping retrying a batch does. Measured, never asserted; 2 shared cores make absolute times
noisy.

    .venv/bin/python bench/intake_routing.py --per-kind 20
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core"), str(ROOT / "infra")]

import boto3  # noqa: E402
import pytest  # noqa: E402
from intake import percentile  # noqa: E402
from moto import mock_aws  # noqa: E402
from tests.conftest import FAKE_AWS_ENV  # noqa: E402
from tests.integration.lambda_support import OPERATOR, sent_mail  # noqa: E402
from tests.integration.sla_support import MEMBERS, SITE, Harness, sla_harness  # noqa: E402

from frontdesk.models import commands as cmd  # noqa: E402
from frontdesk.models.routing import DEFAULT_CALLS  # noqa: E402
from frontdesk.models.ticket import Channel, Kind  # noqa: E402
from local_stack.template import load_template  # noqa: E402

SCENARIOS: dict[str, dict[str, Any]] = {
    "ordinary complaint": {"kind": Kind.COMPLAINT, "category": "cleaning"},
    "serious complaint": {"kind": Kind.COMPLAINT, "category": "security", "severity": "serious"},
    "compensation claim": {"kind": Kind.COMPLAINT, "category": "engineering_repair", "severity": "leadership"},
    "fire": {"kind": Kind.EMERGENCY, "category": "fire", "disabled_occupants": "unknown"},
    "death": {"kind": Kind.EMERGENCY, "category": "death"},
}
ROLES = {name for roles in DEFAULT_CALLS.values() for name in roles} | {"company_leadership"}


def _request(fields: dict[str, Any]) -> cmd.StaffNewTicket:
    return cmd.StaffNewTicket(
        site_id=SITE.site_id,
        building_id="admin",
        unit="101",
        channel=Channel.PHONE,
        description="bench",
        contact_name="张三",
        contact_phone="13800138000",
        **fields,
    )


def _ms(values: list[float], q: float) -> float:
    return percentile(values, q) * 1000


def run(h: Harness, label: str, fields: dict[str, Any], n: int) -> None:
    h.stream.pump()
    before = len(sent_mail())
    first: list[float] = []
    second: list[float] = []
    for _ in range(n):
        h.desk.open(_request(fields), OPERATOR)
        for record in h.stream.read():
            owed = record["dynamodb"]["Keys"]["SK"]["S"] == "NOTICE#route" and record["eventName"] == "INSERT"
            for times in (first, second):
                start = time.perf_counter()
                h.stream.deliver([record])
                if owed:
                    times.append(time.perf_counter() - start)
        h.stream.pump()  # the route's own timeline event
    mails = len(sent_mail()) - before
    stats = f"{_ms(first, 50):>8.1f}{_ms(first, 99):>8.1f}{_ms(second, 50):>8.1f}" if first else f"{'—':>8}" * 3
    print(f"{label:22}{n:>5}{mails / n:>14.2f}{stats}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=20)
    n = parser.parse_args().per_kind
    logging.getLogger("moto").setLevel(logging.CRITICAL)
    logging.getLogger().setLevel(logging.CRITICAL)
    os.environ["POWERTOOLS_LOG_LEVEL"] = "CRITICAL"
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        for name in [n for n in os.environ if n == "AWS_PROFILE" or n.startswith("AWS_ENDPOINT_URL")]:
            patch.delenv(name)
        for name, value in FAKE_AWS_ENV.items():
            patch.setenv(name, value)
        patch.setenv("LOG_LEVEL", "CRITICAL")
        with sla_harness(boto3.Session(region_name="us-east-1"), load_template(), patch) as h:
            members = {**MEMBERS, **{role: (f"{role.replace('_', '.')}@example.com",) for role in ROLES}}
            h.use_site(members=members)
            print("every stream record delivered twice; mails = list mails (no tenant address given)")
            print(f"{'scenario':22}{'n':>5}{'mails/intake':>14}{'1st p50':>8}{'1st p99':>8}{'2nd p50':>8}  (ms)")
            for label, fields in SCENARIOS.items():
                run(h, label, fields, n)
            print(f"lists: fire {len(DEFAULT_CALLS['fire'])}, death {len(DEFAULT_CALLS['death'])}")


if __name__ == "__main__":
    main()
