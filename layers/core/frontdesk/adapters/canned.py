"""A site's canned replies, one item in the single table: SITE#<site> / CANNED_REPLIES (versioned)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from frontdesk.adapters.dynamodb import throttled
from frontdesk.domain.errors import Busy, ErrorCode, VersionConflict
from frontdesk.models.canned import CannedReplies, CannedReply

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

SK = "CANNED_REPLIES"


class CannedReplyStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, site_id: str) -> CannedReplies:
        item = self._table.get_item(Key={"PK": f"SITE#{site_id}", "SK": SK}, ConsistentRead=True).get("Item")
        if item is None:
            return CannedReplies(site_id=site_id, version=0, replies=[])
        replies = [CannedReply.model_validate(r) for r in item.get("replies", [])]  # type: ignore[union-attr]
        return CannedReplies(site_id=site_id, version=int(str(item["version"])), replies=replies)

    def put(self, site_id: str, replies: list[CannedReply], expected_version: int) -> CannedReplies:
        """The new list, refused (409) when someone saved another since ``expected_version`` was read."""
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(PK)"}
            if expected_version == 0
            else {"ConditionExpression": "version = :v", "ExpressionAttributeValues": {":v": expected_version}}
        )
        try:
            self._table.put_item(
                Item={
                    "PK": f"SITE#{site_id}",
                    "SK": SK,
                    "type": "canned_replies",
                    "site_id": site_id,
                    "version": expected_version + 1,
                    "replies": [r.model_dump(mode="json") for r in replies],
                },
                **condition,
            )
        except ClientError as error:
            if throttled(error):
                raise Busy() from error
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise VersionConflict(field="version", code=ErrorCode.CANNED_REPLIES_CONFLICT) from error
            raise
        return CannedReplies(site_id=site_id, version=expected_version + 1, replies=replies)
