"""The duty log's cost, counted on moto in-process (no network): DynamoDB requests and written items
per entry (a page's first entry also writes the page's handover and its clock), the requests of a
`verify`, and how verifying grows with the page (as a ratio, not a speed).

    .venv/bin/python bench/duty_log.py [entries per page, default 200]
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "core"), str(ROOT / "infra")]

import boto3  # noqa: E402
from botocore.client import BaseClient  # noqa: E402
from moto import mock_aws  # noqa: E402
from tests.conftest import FAKE_AWS_ENV  # noqa: E402

from frontdesk import wiring  # noqa: E402
from frontdesk.adapters.dynamodb import SiteStore  # noqa: E402
from frontdesk.clock import FixedClock  # noqa: E402
from frontdesk.domain import duty  # noqa: E402
from frontdesk.models.duty import DutyCategory, NewDutyEntry  # noqa: E402
from frontdesk.models.site import Building, BuildingClass, Site  # noqa: E402
from frontdesk.models.ticket import Actor, ActorKind, Role  # noqa: E402
from local_stack.provision import provision  # noqa: E402
from local_stack.template import load_template  # noqa: E402

NIGHT = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)  # 19:00 in Shanghai
DM = Actor(kind=ActorKind.STAFF, id="dm1", roles=frozenset({Role.DUTY_MANAGER}))
SITE = Site(
    site_id="ql",
    code="QL",
    name="齐鲁校区",
    buildings=(Building(building_id="admin", name="行政楼", building_class=BuildingClass.A),),
)


class Calls:
    """Every DynamoDB request the desk makes (through any of its stores' clients), and the items its
    transactions write."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.items = 0
        original = BaseClient._make_api_call  # type: ignore[attr-defined]  # botocore's one request path

        def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if client.meta.service_model.service_name == "dynamodb":
                self.requests[operation] += 1
                self.items += len(params.get("TransactItems", []))
            return original(client, operation, params)

        BaseClient._make_api_call = counted  # type: ignore[attr-defined]

    def take(self) -> tuple[dict[str, int], int]:
        seen, items = dict(self.requests), self.items
        self.requests.clear()
        self.items = 0
        return seen, items


def main(entries: int) -> None:
    os.environ.update(FAKE_AWS_ENV)
    with mock_aws():
        stack = provision(boto3.Session(), load_template())
        os.environ.update(stack.env)
        wiring.reset()
        clock = FixedClock(NIGHT)
        wiring.clock = lambda: clock
        SiteStore(boto3.resource("dynamodb").Table(stack["Table"]["name"] or "")).put(SITE)
        desk = wiring.duty_desk()
        calls = Calls()
        request = NewDutyEntry(site_id="ql", category=DutyCategory.OTHER, happened="巡楼一次,正常")

        desk.write(request, DM)
        first = calls.take()
        desk.write(request, DM)
        second = calls.take()
        print(f"first entry of a page: requests {first[0]}, items written {first[1]}")
        print(f"any later entry:       requests {second[0]}, items written {second[1]}")

        page_id = desk.current("ql", DM).page.page_id
        calls.take()
        desk.verify(page_id, DM)
        print(f"verify ({2} entries):   requests {calls.take()[0]}")

        for _ in range(entries - 2):
            desk.write(request, DM)
        calls.take()
        stored = desk.log.entries(page_id)
        page = desk.log.page(page_id)
        assert page is not None
        small = stored[: entries // 10]
        small_page = page.model_copy(update={"count": len(small), "head": small[-1].hash})
        rounds = 20
        started = time.perf_counter()
        for _ in range(rounds):
            duty.verify(small_page, small, None)
        small_time = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(rounds):
            result = duty.verify(page, stored, None)
        full_time = time.perf_counter() - started
        assert result.ok
        print(f"chain check, {entries} entries vs {len(small)}: {full_time / small_time:.1f}x the time (linear: 10x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
