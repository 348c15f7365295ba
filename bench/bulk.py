"""What a bulk action costs: AWS calls per ticket of one bulk assignment and one duplicate closure.

moto in-process, every resource created from template.yaml (local_stack.provision), the demo site
and its roster in the user pool; `--tickets` repairs opened through the desk, then all given to one
engineer in one bulk assignment, then all but the first closed as its duplicates. Every AWS call
the use cases make is counted by operation (botocore's own event hook). No timing: counts.

    .venv/bin/python bench/bulk.py [--tickets 50]
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from typing import Any

from moto_in_process import prepare

prepare(AWS_REGION="us-east-1", POWERTOOLS_TRACE_DISABLED="true")

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from frontdesk import wiring  # noqa: E402
from frontdesk.models import commands as cmd  # noqa: E402
from frontdesk.models.ticket import Actor, ActorKind, Channel, Kind, Role  # noqa: E402
from local_stack import moto_fixes  # noqa: E402
from local_stack.demo import DEMO_SITE, DEMO_STAFF, add_staff, seed_site  # noqa: E402
from local_stack.provision import provision  # noqa: E402
from local_stack.template import load_template  # noqa: E402

OPERATOR = Actor(kind=ActorKind.STAFF, id="op1", roles=frozenset({Role.OPERATOR}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=50)
    args = parser.parse_args()
    moto_fixes.install()
    with mock_aws():
        boto3.setup_default_session(region_name="us-east-1")
        calls: Counter[str] = Counter()

        def count(model: Any, **_: Any) -> None:
            calls[model.name] += 1

        assert boto3.DEFAULT_SESSION is not None
        boto3.DEFAULT_SESSION.events.register("before-call", count)  # every client made from now on
        stack = provision(boto3.DEFAULT_SESSION, load_template())
        os.environ.update(stack.env)
        wiring.reset()
        seed_site(stack.env["TABLE_NAME"])
        for member in DEMO_STAFF:
            add_staff(boto3.client("cognito-idp"), stack.env["USER_POOL_ID"], member, DEMO_SITE.site_id)
        desk = wiring.desk()
        building = DEMO_SITE.buildings[0]
        tickets = [
            desk.open(
                cmd.StaffNewTicket(
                    site_id=DEMO_SITE.site_id,
                    building_id=building.building_id,
                    unit=building.units[0],
                    kind=Kind.REPAIR,
                    category="electrical",
                    channel=Channel.PHONE,
                    description="整层停电",
                    contact_name="王老师",
                    contact_phone="13800138000",
                    contact_email="tenant@example.com",
                ),
                OPERATOR,
            ).ticket
            for _ in range(args.tickets)
        ]
        refs = [cmd.TicketRef(ticket_id=t.ticket_id, version=t.version) for t in tickets]

        calls.clear()
        assigned = wiring.bulk_desk().assign(cmd.BulkAssign(tickets=refs, assignee="li.shifu"), OPERATOR)
        assert all(o.refused is None for o in assigned), [o.refused for o in assigned if o.refused]
        report("bulk assignment", args.tickets, calls)

        primary = assigned[0].ticket
        assert primary is not None
        others = [cmd.TicketRef(ticket_id=o.ticket_id, version=o.ticket.version) for o in assigned[1:] if o.ticket]
        calls.clear()
        _, closed = wiring.bulk_desk().mark_duplicates(
            primary.ticket_id, cmd.MarkDuplicates(duplicates=others), OPERATOR
        )
        assert all(o.refused is None for o in closed), [o.refused for o in closed if o.refused]
        report("duplicates of one", len(others), calls)
    moto_fixes.uninstall()


def report(what: str, tickets: int, calls: Counter[str]) -> None:
    total = sum(calls.values())
    shown = ", ".join(f"{name} {n}" for name, n in sorted(calls.items()))
    print(f"{what}: {tickets} tickets, {total} AWS calls ({total / tickets:.2f} per ticket): {shown}")


if __name__ == "__main__":
    main()
