"""The semi-annual survey campaigns in the single table (docs/decisions/0023).

Keys (PK / SK):
    SITE#<site> / CAMPAIGN#<period>                 the campaign: who started it, when, until when
    CAMPAIGN#<site>#<period> / UNIT#<building>#<unit>  one unit's invitation and, once given, its answer
    SURVEYLINK#<token hash> / SURVEYLINK            the link's way back to its invitation

An invitation is written with its link in one transaction, each at most once; an answer is written
on the invitation (once: conditional). The rate is counted from the invitations the campaign's page
reads anyway (one partition), so no count is kept that a second start could leave behind.
Invitations and links expire with callback records (2 years).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, cast

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from frontdesk.adapters.callbacks import expires_at
from frontdesk.adapters.dynamodb import (
    EXPIRES_AT,
    KEY_ATTRIBUTES,
    model_item,
    put_new,
    put_once,
    query_all,
    strip,
    throttled,
    transact,
)
from frontdesk.domain.errors import Busy, ErrorCode, VersionConflict
from frontdesk.models.campaign import Campaign, Invitation

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

INVITATION: Final = "campaign_invitation"  # the item type the stream router mails an invitation for
LINK_SK: Final = "SURVEYLINK"


def _campaign_key(site_id: str, period: str) -> dict[str, str]:
    return {"PK": f"SITE#{site_id}", "SK": f"CAMPAIGN#{period}"}


def _invitation_key(site_id: str, period: str, building_id: str, unit: str) -> dict[str, str]:
    return {"PK": f"CAMPAIGN#{site_id}#{period}", "SK": f"UNIT#{building_id}#{unit}"}


def _key_of(invitation: Invitation) -> dict[str, str]:
    return _invitation_key(invitation.site_id, invitation.period, invitation.building_id, invitation.unit)


def _invitation(item: dict[str, Any]) -> Invitation:
    return Invitation.model_validate(strip(item, KEY_ATTRIBUTES | {EXPIRES_AT}))


class CampaignStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def get_campaign(self, site_id: str, period: str) -> Campaign | None:
        item = self._table.get_item(Key=_campaign_key(site_id, period), ConsistentRead=True).get("Item")
        return Campaign.model_validate(strip(item)) if item else None

    def put_campaign(self, campaign: Campaign) -> Campaign:
        """The campaign, once: starting it again answers the first start."""
        item = model_item(campaign, **_campaign_key(campaign.site_id, campaign.period), type="campaign")
        if put_once(self._table, item):
            return campaign
        started = self.get_campaign(campaign.site_id, campaign.period)
        if started is None:  # written and gone again: no campaign to answer with
            raise VersionConflict(field="period")
        return started

    def create_invitation(self, invitation: Invitation, token_hash: str, created_at: str) -> bool:
        """The unit's invitation and its link; False if the unit was invited already."""
        ttl = expires_at(created_at)
        item = model_item(invitation, **_key_of(invitation), type=INVITATION, expires_at=ttl)
        link = {
            "PK": f"SURVEYLINK#{token_hash}",
            "SK": LINK_SK,
            "type": "survey_link",
            "invitation": _key_of(invitation),
            "expires_at": ttl,
        }
        name = self._table.name
        try:
            self._table.meta.client.transact_write_items(
                TransactItems=cast("Any", [put_new(name, item), put_new(name, link)])
            )
        except ClientError as error:
            if throttled(error):
                raise Busy() from error
            if error.response["Error"]["Code"] == "TransactionCanceledException" and self.invitation(
                invitation.site_id, invitation.period, invitation.building_id, invitation.unit
            ):
                return False
            raise
        return True

    def invitation(self, site_id: str, period: str, building_id: str, unit: str) -> Invitation | None:
        key = _invitation_key(site_id, period, building_id, unit)
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return _invitation(item) if item else None

    def invitations(self, site_id: str, period: str) -> list[Invitation]:
        """Every unit's invitation of the campaign (one partition: the site's units, no more)."""
        items = query_all(self._table, KeyConditionExpression=Key("PK").eq(f"CAMPAIGN#{site_id}#{period}"))
        return [_invitation(item) for item in items]

    def by_link(self, token_hash: str) -> Invitation | None:
        link = self._table.get_item(Key={"PK": f"SURVEYLINK#{token_hash}", "SK": LINK_SK}).get("Item")
        if not link:
            return None
        key = cast("dict[str, str]", link["invitation"])
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return _invitation(item) if item else None

    def mark_mailed(self, invitation: Invitation, at: str, refused: bool = False) -> None:
        self._table.update_item(
            Key=_key_of(invitation),
            UpdateExpression="SET mailed_at = :at, mail_refused = :refused",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":at": at, ":refused": refused},
        )

    def save_answer(self, answered: Invitation) -> None:
        """The answer on the invitation, once (refused if one is there already)."""
        if answered.answer is None:
            raise ValueError("an answer is required")
        name = self._table.name
        items = [
            {
                "Update": {
                    "TableName": name,
                    "Key": _key_of(answered),
                    "UpdateExpression": "SET answer = :answer",
                    "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(answer)",
                    "ExpressionAttributeValues": {":answer": answered.answer.model_dump(mode="json")},
                }
            },
        ]
        transact(self._table, items, ErrorCode.CAMPAIGN_ANSWERED)
