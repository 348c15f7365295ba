"""Check an evidence pack, or the stored originals of a report, and name every file that changed.

    python -m frontdesk.evidence.verify PACK.zip            the pack against its own manifest (offline)
    python -m frontdesk.evidence.verify --stored REPORT_ID  the originals in the bucket against the
                                                            hashes recorded at upload (needs AWS access,
                                                            TABLE_NAME and EVIDENCE_BUCKET)
    --json   print the result as JSON

Exit status: 0 every file verified; 1 a file changed, is missing or should not be there; 2 the pack
could not be read at all, or the report does not exist.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from frontdesk.evidence.pack import verify_pack
from frontdesk.models.incident import Verification


def _print(result: Verification, as_json: bool) -> None:
    if as_json:
        print(result.model_dump_json(indent=2))
        return
    for problem in result.problems:
        print(f"UNREADABLE  {problem}")
    for path in result.changed:
        print(f"CHANGED     {path}")
    for path in result.missing:
        print(f"MISSING     {path}")
    for path in result.unexpected:
        print(f"UNEXPECTED  {path}")
    verdict = "OK" if result.ok else "FAILED"
    print(
        f"{verdict}: {len(result.checked)} file(s) checked, {len(result.changed)} changed, "
        f"{len(result.missing)} missing, {len(result.unexpected)} unexpected"
    )


def _stored(report_id: str) -> Verification | None:
    from frontdesk import wiring

    report = wiring.report_store().get(report_id)
    if report is None:
        return None
    return wiring.evidence_desk().verify_originals(report)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m frontdesk.evidence.verify", description=__doc__.split("\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("pack", nargs="?", help="the evidence pack (.zip)")
    target.add_argument("--stored", metavar="REPORT_ID", help="re-check the report's stored originals instead")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if args.stored:
        result = _stored(args.stored)
        if result is None:
            print(f"no such report: {args.stored}", file=sys.stderr)
            return 2
    else:
        result = verify_pack(args.pack)
    _print(result, args.json)
    if result.problems:
        return 2
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
