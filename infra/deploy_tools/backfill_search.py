"""One-off: give tickets written before ADR 0020 their search terms and board keys (ADR 0021).

TABLE_NAME=<table> python -m deploy_tools.backfill_search [--max 1000] [--cursor <from the last run>]

Each run handles at most --max tickets and prints JSON {updated, skipped, cursor}; run it again with
the cursor until the cursor is null. Safe to repeat: a ticket done, or written since, is skipped.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys

from frontdesk.adapters.dynamodb import TicketStore, table
from frontdesk.app.backfill import SearchBackfill


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--max", type=int, default=1000, help="tickets handled in this run (a bound)")
    parser.add_argument("--cursor", default=None, help="where the last run stopped")
    args = parser.parse_args(argv)
    store = TicketStore(table(os.environ["TABLE_NAME"]))
    report = SearchBackfill(store).run(args.max, args.cursor)
    print(json.dumps(dataclasses.asdict(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
