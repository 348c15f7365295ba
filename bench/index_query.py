"""What one index Query costs as the table grows, with moto's own Table.query and with local_stack.moto_queries.

moto in-process, the table created from template.yaml (local_stack.provision). The table is filled
(through moto's Table.put_item, no HTTP) with tickets of six items each: the ticket, with index
keys in partitions of its own unit, day and site, and five timeline items without index keys. The
queried unit's partition always holds the same 10 tickets, so only the table's size changes. The
Query is the unit's repeat count (`count_at_unit`: GSI2, a sort key bound, a filter, COUNT); it is
timed `--repeat` times at each size, alternating moto's own query and the patched one, and the
median of each is printed with their ratio.

    .venv/bin/python bench/index_query.py [--sizes 2000 20000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from moto_in_process import prepare

prepare(AWS_REGION="us-east-1")

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.dynamodb.models import dynamodb_backends  # noqa: E402
from moto.dynamodb.models.table import Table  # noqa: E402

from local_stack import moto_fixes, moto_queries  # noqa: E402
from local_stack.provision import provision  # noqa: E402
from local_stack.template import load_template  # noqa: E402

UNIT = "UNIT#bench#B1#0101"
COUNT_AT_UNIT: dict[str, Any] = {
    "IndexName": "GSI2",
    "KeyConditionExpression": "GSI2PK = :unit AND GSI2SK >= :since",
    "FilterExpression": "kind = :kind AND category = :category",
    "ExpressionAttributeValues": {
        ":unit": {"S": UNIT},
        ":since": {"S": "2026-01-01"},
        ":kind": {"S": "repair"},
        ":category": {"S": "electrical"},
    },
    "Select": "COUNT",
}


def ticket_items(n: int) -> list[dict[str, Any]]:
    unit = UNIT if n < 10 else f"UNIT#bench#B1#{n}"
    ticket = {
        "PK": f"TICKET#{n:06d}",
        "SK": "TICKET",
        "kind": "repair",
        "category": "electrical",
        "description": "整层停电" * 10,
        "GSI1PK": "OPEN#bench" if n % 2 else "OPEN#other",
        "GSI1SK": f"2026-06-01T{n % 24:02d}:00#{n:06d}",
        "GSI2PK": unit,
        "GSI2SK": f"2026-03-01#{n:06d}",
        "GSI3PK": f"DAY#bench#2026-03-{n % 28 + 1:02d}",
        "GSI3SK": f"{n:06d}",
        "GSI5PK": "SITE#bench",
        "GSI5SK": f"2026-03-01#{n:06d}",
    }
    events = [{"PK": f"TICKET#{n:06d}", "SK": f"EVT#{e:06d}", "note": "x" * 80} for e in range(5)]
    return [{k: {"S": v} for k, v in item.items()} for item in (ticket, *events)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000], help="items in the table")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    moto_fixes.install()
    patched = Table.query
    own = moto_fixes.moto_original("Table.query")
    assert moto_queries.matches_pinned_moto(own, Table.all_items), "not the moto moto_queries was written for"
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        name = provision(session, load_template())["Table"]["name"] or ""
        client = session.client("dynamodb")
        table = dynamodb_backends["123456789012"]["us-east-1"].tables[name]
        written = items = 0

        def query() -> int:
            return int(client.query(TableName=name, **COUNT_AT_UNIT)["Count"])

        print(f"{'items':>7} {'moto (ms)':>10} {'patched (ms)':>13} {'moto/patched':>13}")
        for size in sorted(args.sizes):
            while items < size:
                for item in ticket_items(written):
                    table.put_item(item)
                    items += 1
                written += 1
            answers: set[int] = set()
            timings: dict[str, list[float]] = {"own": [], "patched": []}
            for _ in range(args.repeat):
                for label, method in (("own", own), ("patched", patched)):
                    Table.query = method  # type: ignore[method-assign]
                    start = time.perf_counter()
                    answers.add(query())
                    timings[label].append((time.perf_counter() - start) * 1000)
            Table.query = patched  # type: ignore[method-assign]
            assert answers == {10}, answers  # both answer the same count
            moto_ms, patched_ms = (statistics.median(timings[k]) for k in ("own", "patched"))
            print(f"{items:>7} {moto_ms:>10.1f} {patched_ms:>13.2f} {moto_ms / patched_ms:>13.1f}")


if __name__ == "__main__":
    main()
