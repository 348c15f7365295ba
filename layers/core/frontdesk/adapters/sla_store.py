"""DynamoDB items of the SLA timer and its notifications, in the single table (docs/decisions/0003, 0006).

Keys (PK / SK):
    SITE#<site> / LADDER                       the site's escalation ladder (absent: the default ladder)
    SITE#<site> / MAILING#<name>               a mailing list; `members` is a string set of addresses
    TICKET#<id> / NOTIFIED#<marker>#<what>     "this notification went out": a redelivered record skips it
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from frontdesk.adapters.dynamodb import put_site_setting, site_setting
from frontdesk.domain.errors import DomainError
from frontdesk.domain.mailing import MailingListFull, NotAMember
from frontdesk.models.escalation import DEFAULT_LADDER, Ladder
from frontdesk.models.mailing import MAX_MEMBERS, MailingList

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

LADDER_SK = "LADDER"
MAILING_PREFIX = "MAILING#"


def _conditional_failed(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "ConditionalCheckFailedException"


def _mailing_list(item: dict[str, Any]) -> MailingList:
    return MailingList(
        site_id=str(item["site_id"]), name=str(item["name"]), members=tuple(sorted(item.get("members", ())))
    )


class SlaStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    # ------------------------------------------------------------------ ladders

    def ladder(self, site_id: str) -> Ladder:
        item = site_setting(self._table, site_id, LADDER_SK)
        return Ladder.model_validate(item["ladder"]) if item else DEFAULT_LADDER

    def put_ladder(self, site_id: str, ladder: Ladder) -> None:
        put_site_setting(self._table, site_id, LADDER_SK, "ladder", {"ladder": ladder.model_dump(mode="json")})

    # ------------------------------------------------------------------ mailing lists

    def mailing_lists(self, site_id: str) -> list[MailingList]:
        page = self._table.query(
            KeyConditionExpression=Key("PK").eq(f"SITE#{site_id}") & Key("SK").begins_with(MAILING_PREFIX),
            ConsistentRead=True,
        )
        return [_mailing_list(item) for item in page["Items"]]

    def mailing_list(self, site_id: str, name: str) -> MailingList:
        item = self._table.get_item(
            Key={"PK": f"SITE#{site_id}", "SK": f"{MAILING_PREFIX}{name}"}, ConsistentRead=True
        ).get("Item")
        return _mailing_list(item) if item else MailingList(site_id=site_id, name=name)

    def add_member(self, site_id: str, name: str, email: str) -> MailingList:
        """Add an address (a no-op if it is there); refused when the list is full."""
        return self._change_members(
            site_id,
            name,
            email,
            "SET #type = :type, site_id = :site, #name = :name ADD members :email",
            "attribute_not_exists(members) OR size(members) < :max OR contains(members, :one)",
            {":type": "mailing_list", ":site": site_id, ":name": name, ":max": MAX_MEMBERS},
            MailingListFull(field="email", name=name, limit=MAX_MEMBERS),
        )

    def remove_member(self, site_id: str, name: str, email: str) -> MailingList:
        """Remove an address; refused when it is not on the list."""
        return self._change_members(
            site_id,
            name,
            email,
            "DELETE members :email",
            "contains(members, :one)",
            {},
            NotAMember(field="email", name=name, email=email),
        )

    def _change_members(
        self,
        site_id: str,
        name: str,
        email: str,
        update: str,
        condition: str,
        values: dict[str, Any],
        refusal: DomainError,
    ) -> MailingList:
        """One conditional change to a list's members; the refusal when its condition does not hold."""
        request: dict[str, Any] = {
            "Key": {"PK": f"SITE#{site_id}", "SK": f"{MAILING_PREFIX}{name}"},
            "UpdateExpression": update,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": {**values, ":email": {email}, ":one": email},
            "ReturnValues": "ALL_NEW",
        }
        names = {alias: alias[1:] for alias in ("#type", "#name") if alias in update}
        if names:  # DynamoDB refuses a name the expressions do not use
            request["ExpressionAttributeNames"] = names
        try:
            result = self._table.update_item(**request)
        except ClientError as error:
            if _conditional_failed(error):
                raise refusal from error
            raise
        return _mailing_list(result["Attributes"])

    # ------------------------------------------------------------------ notifications sent

    def was_sent(self, subject_key: str, key: str) -> bool:
        item = self._table.get_item(Key={"PK": subject_key, "SK": f"NOTIFIED#{key}"}, ConsistentRead=True)
        return "Item" in item

    def sent_under(self, subject_key: str, prefix: str) -> frozenset[str]:
        """The keys sent whose key starts with `prefix`: one Query for a rung's few notices."""
        page = self._table.query(
            KeyConditionExpression=Key("PK").eq(subject_key) & Key("SK").begins_with(f"NOTIFIED#{prefix}"),
            ConsistentRead=True,
            ProjectionExpression="SK",
        )  # a rung has at most a handful of notices: one page
        return frozenset(str(item["SK"]).removeprefix("NOTIFIED#") for item in page["Items"])

    def mark_sent(self, subject_key: str, key: str) -> None:
        """After sending: a redelivered record skips what went out (at least once)."""
        self._table.put_item(Item={"PK": subject_key, "SK": f"NOTIFIED#{key}", "type": "notified"})
