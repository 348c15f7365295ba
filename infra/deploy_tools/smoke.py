"""Post-deploy smoke test: `make smoke URL=https://<api>/<stage>/` against a deployed stack.

What it proves, with the standard library only (no venv needed on an operator's laptop):
- the pages and the public API answer: the site list and the catalogue are read;
- a ticket is opened through the public form's API and read back by its tracking link;
- the staff API refuses a request without a token (401), on a route of its own and on the literal
  `/photos` route that must win over `{action}` (API Gateway answers 403 "Missing Authentication
  Token" for a route it does not have).

It leaves one ticket behind, marked as a smoke test in its description, for the desk to close.
Exit code 0 when every check passed; each check prints one line.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
import uuid
from typing import Any

SMOKE_PHONE = "13800000000"
TIMEOUT_SECONDS = 20


def call(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """(status, JSON answer) of one request; status 0 when nothing answered. The e2e tests use it too."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (an operator's URL)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw) if raw else None
        except ValueError:
            return error.code, raw.decode("utf-8", "replace")
    except (urllib.error.URLError, TimeoutError) as error:  # nothing answered: status 0, said why
        return 0, str(getattr(error, "reason", error))


class Smoke:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.failed = 0

    def check(self, what: str, ok: bool, detail: Any = "") -> bool:
        print(f"{'ok  ' if ok else 'FAIL'} {what}" + ("" if ok else f": {detail}"))
        self.failed += not ok
        return ok

    def run(self) -> int:
        status, sites = call("GET", f"{self.base}/public/sites")
        if not self.check("GET /public/sites lists a site", status == 200 and bool(sites), (status, sites)):
            return 1
        status, known = call("GET", f"{self.base}/public/catalogue")
        if not self.check("GET /public/catalogue", status == 200 and known.get("public_kinds"), (status, known)):
            return 1
        site = sites[0]
        building = site["buildings"][0]
        kind = known["public_kinds"][0]
        body = {
            "site_id": site["site_id"],
            "building_id": building["building_id"],
            "unit": building["units"][0] if building.get("units") else "",
            "location": "" if building.get("units") else "smoke test",
            "kind": kind,
            "category": known["categories"][kind][0],
            "description": "SMOKE TEST after a deploy: please close without action.",
            "contact_name": "Smoke test",
            "contact_phone": SMOKE_PHONE,
        }
        status, created = call("POST", f"{self.base}/public/tickets", body, {"Idempotency-Key": uuid.uuid4().hex})
        if not self.check("POST /public/tickets opens a ticket", status == 201, (status, created)):
            return 1
        status, tracked = call("GET", f"{self.base}/public/track/{created['tracking_token']}")
        self.check("the tracking link reads it back", status == 200 and tracked["number"] == created["number"], tracked)
        status, answer = call("GET", f"{self.base}/staff/tickets?site_id={site['site_id']}")
        self.check("the staff API refuses a request without a token (401)", status == 401, (status, answer))
        status, answer = call("GET", f"{self.base}/staff/tickets/{'0' * 32}/photos")
        self.check("the literal /photos route exists and is guarded (401)", status == 401, (status, answer))
        print(f"{'passed' if not self.failed else 'FAILED'}: ticket {created['number']} was opened by the smoke test")
        return 1 if self.failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("url", help="the API's base URL, e.g. https://abc.execute-api.us-east-1.amazonaws.com/prod/")
    return Smoke(parser.parse_args(argv).url).run()


if __name__ == "__main__":
    sys.exit(main())
