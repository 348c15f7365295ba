"""The semi-annual satisfaction survey campaign through the staff and public APIs and the stream
router: every unit invited once, the tenants with an address mailed once, the others' links listed
for the desk, each unit answering once by its link, and the response rate against the 70 % target."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key

from frontdesk import wiring
from frontdesk.adapters.dynamodb import SiteStore
from frontdesk.app.ports import MailRefused
from frontdesk.clock import FixedClock
from frontdesk.models.site import Site
from local_stack.provision import Stack

from .conftest import DM1, MGR1, OP1, Api, load_event, set_header, staff_open, with_body, with_path
from .lambda_support import sent_mail
from .staff_routes import site_route, staff_route

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

Router = Callable[[dict[str, Any]], dict[str, Any]]
START = "/staff/sites/{site_id}/campaigns"
ONE = "/staff/sites/{site_id}/campaigns/{period}"
ANSWER = {"result": "satisfied", "quality": 5, "effect": 4, "satisfaction": 5, "suggestions": "保持"}


def _survey(method: str, token: str, body: Any = None) -> dict[str, Any]:
    event = load_event("public_track_ticket.json")
    event["resource"] = event["requestContext"]["resourcePath"] = "/public/track/{token}/survey"
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    with_path(event, token=token)
    return with_body(event, body) if body is not None else event


def _invitation_records(stack: Stack) -> list[dict[str, Any]]:
    """The invitations' INSERT records on the table's stream, as the event source mapping hands them on."""
    client = boto3.client("dynamodbstreams")
    arn = stack["Table"]["stream_arn"] or ""
    records: list[dict[str, Any]] = []
    for shard in client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = client.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
        page = client.get_records(ShardIterator=iterator["ShardIterator"], Limit=1000)
        records += [
            {**r, "eventSourceARN": arn}
            for r in page["Records"]
            if r["dynamodb"].get("NewImage", {}).get("type", {}).get("S") == "campaign_invitation"
        ]
    return json.loads(json.dumps(records, default=str))  # type: ignore[no-any-return]


def _items(table: Table, partition: str) -> list[dict[str, Any]]:
    return table.query(KeyConditionExpression=Key("PK").eq(partition))["Items"]


def test_a_campaign_invites_every_unit_once_and_counts_the_answers(
    staff: Api, public: Api, router: Router, table: Table, env: Stack, clock: FixedClock, site: Site
) -> None:
    staff_open(staff, building_id="admin", unit="101", contact_email="tenant101@example.com", language="en")
    staff_open(staff)  # expert 1-101, no address

    refused = staff(site_route("POST", START, DM1, {"period": "2026-11"}))
    assert (refused.status, refused.body["code"]) == (403, "forbidden")
    bad = staff(site_route("POST", START, MGR1, {"period": "2026-10"}))
    assert (bad.status, bad.body["field"]) == (400, "period")
    past = staff(site_route("POST", START, MGR1, {"period": "2026-06"}))
    assert (past.status, past.body["code"]) == (409, "campaign_closed")

    started = staff(site_route("POST", START, MGR1, {"period": "2026-11"}))
    assert started.status == 200, started.raw
    view = started.body
    assert (view["campaign"]["units"], view["campaign"]["responses"], view["campaign"]["closes_on"]) == (
        4,
        0,
        "2026-12-31",
    )
    units = {(i["building_id"], i["unit"]): i for i in view["invitations"]}
    assert sorted(units) == [("admin", "101"), ("admin", "102"), ("expert", "1-101"), ("expert", "1-102")]
    assert units["admin", "101"]["email_known"] and units["admin", "101"]["link_token"] is None
    desk_links = {key: i["link_token"] for key, i in units.items() if not i["email_known"]}
    assert len(desk_links) == 3 and all(desk_links.values())

    # started twice: nothing twice (the same links, the same items)
    again = staff(site_route("POST", START, MGR1, {"period": "2026-11"}))
    assert again.status == 200
    assert {(i["building_id"], i["unit"]): i["link_token"] for i in again.body["invitations"]} == {
        key: i["link_token"] for key, i in units.items()
    }
    assert len(_items(table, "CAMPAIGN#ql#2026-11")) == 4
    assert again.body["campaign"]["started_at"] == view["campaign"]["started_at"]

    # the stream router mails the one unit with an address, once however often the record comes
    records = _invitation_records(env)
    assert len(records) == 4
    before = len(sent_mail())
    router({"Records": records})
    router({"Records": records})
    mails = sent_mail()[before:]
    assert [m.to for m in mails] == [["tenant101@example.com"]]
    assert "half-yearly" in mails[0].subject and "/survey#" in mails[0].body  # the tenant's language
    mailed_token = mails[0].body.split("/survey#")[1].split()[0]

    # the no-login survey, by either kind of link
    asked = public(_survey("GET", mailed_token))
    assert asked.status == 200, asked.raw
    assert (asked.body["reason"], asked.body["unit"], asked.body["repair"]) == ("campaign", "101", False)
    incomplete = public(_survey("POST", mailed_token, {"result": "satisfied", "quality": 5}))
    assert (incomplete.status, incomplete.body["field"]) == (400, "effect")
    done = public(_survey("POST", mailed_token, ANSWER))
    assert (done.status, done.body) == (200, {"state": "satisfied"})
    twice = public(_survey("POST", mailed_token, ANSWER))
    assert (twice.status, twice.body["code"]) == (409, "campaign_answered")
    asked_again = public(_survey("GET", mailed_token))
    assert (asked_again.status, asked_again.body["code"]) == (409, "campaign_answered")
    event = _survey("POST", mailed_token, ANSWER)
    set_header(event, "Accept-Language", "en")
    assert "answered already" in public(event).body["message"]
    for key in (("admin", "102"), ("expert", "1-101")):
        assert public(_survey("POST", desk_links[key], {**ANSWER, "result": "unsatisfied"})).status == 200

    page = staff(staff_route("GET", ONE, OP1, site_id="ql", period="2026-11"))
    assert page.status == 200, page.raw
    assert (page.body["campaign"]["responses"], page.body["rate_percent"], page.body["meets_target"]) == (3, 75.0, True)
    assert page.body["target_percent"] == 70
    assert [i["link_token"] is not None for i in page.body["invitations"]] == [False, False, False, True]

    # a unit added to the site since: a second start invites it, and the rate counts it (3 of 5)
    admin = site.buildings[0].model_copy(update={"units": ("101", "102", "103")})
    SiteStore(table).put(site.model_copy(update={"buildings": (admin, *site.buildings[1:])}))
    grown = staff(site_route("POST", START, MGR1, {"period": "2026-11"}))
    assert grown.status == 200, grown.raw
    counted = (grown.body["campaign"]["units"], grown.body["campaign"]["responses"], grown.body["rate_percent"])
    assert (len(grown.body["invitations"]), *counted, grown.body["meets_target"]) == (5, 5, 3, 60.0, False)

    missing = staff(staff_route("GET", ONE, OP1, site_id="ql", period="2026-06"))
    assert (missing.status, missing.body["code"]) == (404, "campaign_not_found")

    # after the end of the following month the link takes no answer
    clock.advance(days=40)
    late = public(_survey("POST", desk_links["expert", "1-102"], ANSWER))
    assert (late.status, late.body["code"]) == (409, "campaign_closed")


def test_a_site_without_units_has_no_campaign(staff: Api, table: Table) -> None:
    from frontdesk.adapters.dynamodb import SiteStore
    from frontdesk.models.site import Site

    SiteStore(table).put(Site(site_id="empty", code="EM", name="空项目"))
    refused = staff(site_route("POST", START, MGR1, {"period": "2026-11"}, site_id="empty"))
    assert (refused.status, refused.body["code"]) == (409, "campaign_no_units")


def test_an_address_that_refuses_the_mail_leaves_the_link_to_the_desk(
    staff: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff_open(staff, building_id="admin", unit="102", contact_email="gone@example.com")
    assert staff(site_route("POST", START, MGR1, {"period": "2026-11"})).status == 200

    def refuse(to: Sequence[str], subject: str, body: str) -> None:
        raise MailRefused("MessageRejected")

    monkeypatch.setattr(wiring.mailer(), "send", refuse)
    assert wiring.campaigns().mail("ql", "2026-11", "admin", "102") == "failed"  # as the stream router calls it
    assert wiring.campaigns().mail("ql", "2026-11", "admin", "102") == "skipped"  # once
    page = staff(staff_route("GET", ONE, OP1, site_id="ql", period="2026-11")).body
    (unit,) = [i for i in page["invitations"] if i["unit"] == "102"]
    assert (unit["email_known"], unit["mailed"], bool(unit["link_token"])) == (True, True, True)
