"""Find anything at 20,000 tickets: the items each search shape reads, beside a table scan.

moto in-process (`mock_aws`, the size fixes of docs/decisions/0011), the table created from
template.yaml's own definition (its keys and every GSI; without the stream, which the bench does
not read). One site gets `--tickets` tickets over 60 site-local days, written as the store writes
them (the ticket item with its index keys, its search terms, its first event) by batch_write_item:
85 % closed, the rest open in every state, a few escalated; every 20th ticket has an internal note
whose words are terms too (docs/decisions/0021). Then each query shape runs through the
same `Board` the staff API uses and the bench reports, per shape: the tickets returned, the index
items DynamoDB examined (the sum of `ScannedCount` over the Query pages), the GetItems, and the
items read as a fraction of the table (what a Scan would read). moto's `ConsumedCapacity` is a flat
0.5 per call whatever was read, so calls are reported, not capacity. No timing: these are counts.

    .venv/bin/python bench/search.py [--tickets 20000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from moto_in_process import prepare

prepare()

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from frontdesk.adapters import dynamodb as store_module  # noqa: E402
from frontdesk.adapters.dynamodb import SiteStore, TicketStore  # noqa: E402
from frontdesk.app.board import Board  # noqa: E402
from frontdesk.clock import FixedClock, to_iso  # noqa: E402
from frontdesk.domain.search import Filters, text_terms  # noqa: E402
from frontdesk.models.site import Building, BuildingClass, Site  # noqa: E402
from frontdesk.models.ticket import (  # noqa: E402
    TERMINAL,
    Actor,
    ActorKind,
    Assignment,
    Channel,
    Contact,
    Department,
    Escalation,
    Kind,
    Role,
    Status,
    Ticket,
    TimelineEvent,
)
from local_stack import moto_fixes  # noqa: E402
from local_stack.template import load_template, resources  # noqa: E402

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
DAYS = 60
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
DESCRIPTIONS = (
    ("repair", "plumbing", "卫生间水管漏水，地面有积水"),
    ("repair", "electrical", "客厅插座跳闸，无法复位"),
    ("repair", "lighting", "走廊灯不亮"),
    ("repair", "hvac", "空调不制冷，有异响"),
    ("repair", "doors_windows", "门锁坏了打不开"),
    ("repair", "elevator", "电梯按钮失灵"),
    ("complaint", "service_attitude", "保洁人员态度不好"),
    ("complaint", "service_quality", "楼道清洁不及时"),
    ("inquiry", "fees", "咨询物业费缴纳方式"),
    ("paid_service", "installation", "需要安装热水器"),
)
NOTES = ("Grundfos 水泵轴承磨损，已订配件", "业主晚上七点后在家", "已电话回访，客户满意")
OPEN_STATES = (Status.RECEIVED, Status.DISPATCHED, Status.ARRIVED, Status.IN_PROGRESS, Status.UNFINISHED)
ENGINEERS = tuple(f"eng{n}" for n in range(1, 11))
OPERATOR = Actor(kind=ActorKind.STAFF, id="op1", roles=frozenset({Role.OPERATOR}))

SITE = Site(
    site_id="bench",
    code="BN",
    name="测试校区",
    buildings=tuple(
        Building(building_id=f"b{n}", name=f"{n}号楼", building_class=BuildingClass.B, units=()) for n in range(1, 21)
    ),
)


def create_table() -> Any:
    """The table as template.yaml declares it: keys and every GSI (no stream: nothing reads one here)."""
    raw = resources(load_template(), "AWS::DynamoDB::Table")["Table"]
    props = raw["Properties"]
    client: Any = boto3.client("dynamodb")
    client.create_table(
        TableName="bench",
        AttributeDefinitions=props["AttributeDefinitions"],
        KeySchema=props["KeySchema"],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {k: v for k, v in index.items() if k in ("IndexName", "KeySchema", "Projection")}
            for index in props["GlobalSecondaryIndexes"]
        ],
    )
    return boto3.resource("dynamodb").Table("bench")


def make_ticket(n: int, rng: random.Random) -> Ticket:
    day = DAYS - 1 - n * DAYS // TOTAL[0]
    created = NOW - timedelta(days=day, minutes=rng.randrange(600))
    kind, category, text = DESCRIPTIONS[rng.randrange(len(DESCRIPTIONS))]
    local_day = (created + timedelta(hours=8)).date().isoformat()
    status = rng.choice(OPEN_STATES) if rng.random() < 0.15 or day == 0 else Status.CLOSED
    assigned = status not in {Status.RECEIVED} and kind in {"repair", "paid_service"}
    updated = created + timedelta(minutes=rng.randrange(1, 600))
    if status not in TERMINAL:
        updated = min(updated, NOW - timedelta(seconds=1))
    due = to_iso(created + timedelta(minutes=10))
    return Ticket(
        ticket_id=f"{n:032x}",
        site_id=SITE.site_id,
        number=f"BN-{local_day[5:7]}{local_day[8:10]}-{n % 1000:03d}",
        local_day=local_day,
        kind=Kind(kind),
        channel=Channel.PHONE,
        category=category,
        status=status,
        building_id=f"b{rng.randrange(1, 21)}",
        unit=f"{rng.randrange(1, 20)}{rng.randrange(1, 30):02d}",
        description=text,
        contact=Contact(
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            phone=f"13{rng.randrange(10**9):09d}",
        ),
        received_by="op1",
        created_at=to_iso(created),
        updated_at=to_iso(updated),
        version=2,
        assignment=Assignment(department=Department.ENGINEERING, assignee=rng.choice(ENGINEERS)) if assigned else None,
        dispatched_at=to_iso(created) if assigned else None,
        arrival_due=due if assigned else None,
        completion_due=to_iso(created + timedelta(days=1)) if assigned else None,
        closed_at=to_iso(updated) if status is Status.CLOSED else None,
        escalation=Escalation(level=1, at=due) if status is Status.DISPATCHED and rng.random() < 0.3 else Escalation(),
    )


TOTAL = [20_000]


def fill(table: Any, count: int, seed: int) -> tuple[list[Ticket], int]:
    rng = random.Random(seed)
    tickets = [make_ticket(n, rng) for n in range(count)]
    items = 0
    with table.batch_writer() as batch:
        for ticket in tickets:
            event = TimelineEvent(
                ticket_id=ticket.ticket_id,
                seq=1,
                at=ticket.created_at,
                actor=OPERATOR,
                action="create",
                from_status=None,
                to_status=Status.RECEIVED,
            )
            written = [
                store_module._ticket_item(ticket, ticket.updated_at),
                store_module._event_item(event),
                *store_module._term_items(ticket),
            ]
            if int(ticket.ticket_id, 16) % 20 == 0:
                text = NOTES[int(ticket.ticket_id, 16) // 20 % len(NOTES)]
                note = event.model_copy(update={"seq": 2, "action": "note", "detail": {"text": text}})
                written[0] = store_module._ticket_item(ticket.model_copy(update={"notes": 1}), ticket.updated_at)
                written += [store_module._event_item(note), *store_module._term_items(ticket, text_terms("note", text))]
            for item in written:
                batch.put_item(Item=item)
            items += len(written)
    return tickets, items


@dataclass
class Reads:
    queries: int = 0
    scanned: int = 0
    gets: int = 0
    operations: set[str] = field(default_factory=set)


@contextmanager
def counting(table: Any) -> Iterator[Reads]:
    reads = Reads()

    def after(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        reads.operations.add(model.name)
        if model.name == "Query":
            reads.queries += 1
            reads.scanned += int(parsed.get("ScannedCount", 0))
        elif model.name == "GetItem":
            reads.gets += 1

    events = table.meta.client.meta.events
    events.register("after-call.dynamodb", after)
    try:
        yield reads
    finally:
        events.unregister("after-call.dynamodb", after)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    TOTAL[0] = args.tickets
    moto_fixes.install()
    with mock_aws():
        table = create_table()
        SiteStore(table).put(SITE)
        tickets, items = fill(table, args.tickets, args.seed)
        board = Board(TicketStore(table), SiteStore(table), FixedClock(NOW))
        closed = next(t for t in tickets if t.status is Status.CLOSED)
        named = tickets[len(tickets) // 2]
        shapes: list[tuple[str, Filters]] = [
            ("short number", Filters(q=named.number)),
            ("phone, full", Filters(q=closed.contact.phone)),
            ("phone, last 4 (closed ticket)", Filters(q=closed.contact.phone[-4:])),
            ("name", Filters(q=named.contact.name)),
            ("unit", Filters(q=named.unit)),
            ("unit + building", Filters(q=named.unit, building_id=named.building_id)),
            ("word in description (common)", Filters(q="漏水")),
            ("two words", Filters(q="空调 异响")),
            ("word in a note (Latin)", Filters(q="grundfos")),
            ("word in a note (Chinese)", Filters(q="回访")),
            ("description word + note word", Filters(q="漏水 轴承")),
            ("mine (eng1)", Filters(assignee="eng1")),
            ("mine + open status", Filters(assignee="eng1", status=Status.DISPATCHED)),
            ("status dispatched (open)", Filters(status=Status.DISPATCHED)),
            ("overdue", Filters(overdue=True)),
            ("escalated", Filters(escalated=True)),
            ("status closed", Filters(status=Status.CLOSED)),
            ("kind complaint", Filters(kind=Kind.COMPLAINT)),
            ("category + building (rare)", Filters(category="elevator", building_id="b7")),
            ("no filter (newest changes)", Filters()),
        ]
        print(f"{args.tickets} tickets, {items} items in the table (a Scan reads all of them)")
        header = (
            f"{'shape':34} {'found':>5} {'queries':>7} {'index items':>11} {'gets':>5} {'read':>6} {'of a scan':>9}"
        )
        print(header)
        print("-" * len(header))
        for name, filters in shapes:
            with counting(table) as reads:
                result = board.search(SITE.site_id, filters, OPERATOR, 20)
            read = reads.scanned + reads.gets
            assert "Scan" not in reads.operations, name
            more = "+" if result.cursor else " "
            print(
                f"{name:34} {len(result.tickets):>4}{more} {reads.queries:>7} {reads.scanned:>11} "
                f"{reads.gets:>5} {read:>6} {read / items:>9.4%}"
            )
        since = to_iso(NOW - timedelta(minutes=10))
        with counting(table) as reads:
            changes = board.changes(SITE.site_id, since, OPERATOR)
        print(
            f"{'poll: changes in the last 10 min':34} {len(changes.tickets):>5} {reads.queries:>7} "
            f"{reads.scanned:>11} {reads.gets:>5} {reads.scanned:>6} {reads.scanned / items:>9.4%}"
        )
        print("found: the page (20 at most; + = a cursor to more). gets: the tickets a term names, and the")
        print("site (one GetItem per request). read = index items + GetItems.")
    moto_fixes.uninstall()


if __name__ == "__main__":
    main()
