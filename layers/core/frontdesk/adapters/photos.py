"""Photos in the single table, beside the ticket or report they belong to (docs/decisions/0008).

Keys (PK / SK):
    TICKET#<id> | REPORT#<id> / PHOTO#<photo_id>                 the photo: pending → stored | quarantined
    TICKET#<id> | REPORT#<id> / PHOTOCOUNT                       stored photos (the limit, enforced in the write)
    TICKET#<id> | REPORT#<id> / QUARANTINE#<photo_id>#<version>  a refused upload that had no open slot
    UPLOAD#<photo_id> / UPLOAD                                   whose photo it is (upload keys name no owner)
A photo becomes ``stored`` in one transaction with the count, conditional on the slot still being
pending and the count below the limit: two uploads racing for the last place cannot both win.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from frontdesk.models.photo import OwnerKind, Photo, PhotoState, Refusal

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

_KEYS = frozenset({"PK", "SK", "type"})


def owner_pk(owner_kind: OwnerKind, owner_id: str) -> str:
    return f"{owner_kind.value.upper()}#{owner_id}"


def _item(photo: Photo) -> dict[str, Any]:
    item: dict[str, Any] = photo.model_dump(mode="json", exclude_none=True)
    item.update(PK=owner_pk(photo.owner_kind, photo.owner_id), SK=f"PHOTO#{photo.photo_id}", type="photo")
    return item


def _photo(item: dict[str, Any]) -> Photo:
    return Photo.model_validate({k: v for k, v in item.items() if k not in _KEYS})


class PhotoStore:
    def __init__(self, table: Table) -> None:
        self._table = table
        self._client = table.meta.client

    def put_slot(self, photo: Photo) -> None:
        """The pending photo and the pointer from its upload key to its owner, together."""
        pointer = {
            "PK": f"UPLOAD#{photo.photo_id}",
            "SK": "UPLOAD",
            "type": "upload",
            "owner_kind": photo.owner_kind.value,
            "owner_id": photo.owner_id,
        }
        name = self._table.name
        self._client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": item, "ConditionExpression": "attribute_not_exists(PK)"}}
                for item in (_item(photo), pointer)
            ]
        )

    def owner_of(self, owner_kind: OwnerKind, photo_id: str) -> str | None:
        """The ticket or report an upload slot was handed out for."""
        item = self._table.get_item(Key={"PK": f"UPLOAD#{photo_id}", "SK": "UPLOAD"}, ConsistentRead=True).get("Item")
        if item is None or item.get("owner_kind") != owner_kind.value:
            return None
        return str(item["owner_id"])

    def get(self, owner_kind: OwnerKind, owner_id: str, photo_id: str) -> Photo | None:
        item = self._table.get_item(
            Key={"PK": owner_pk(owner_kind, owner_id), "SK": f"PHOTO#{photo_id}"}, ConsistentRead=True
        ).get("Item")
        return _photo(item) if item else None

    def of(self, owner_kind: OwnerKind, owner_id: str) -> list[Photo]:
        """Every photo of a ticket or report, in the order they were asked for (photo ids are random)."""
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": Key("PK").eq(owner_pk(owner_kind, owner_id)) & Key("SK").begins_with("PHOTO#"),
            "ConsistentRead": True,
        }
        items: list[dict[str, Any]] = []
        while True:
            page = self._table.query(**kwargs)
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return sorted((_photo(item) for item in items), key=lambda p: (p.requested_at, p.photo_id))

    def record_stored(self, photo: Photo, limit: int) -> str:
        """ "stored", or why not: "limit" (the owner has ``limit`` stored photos) or "not_pending"."""
        name = self._table.name
        pk = owner_pk(photo.owner_kind, photo.owner_id)
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": name,
                            "Item": _item(photo),
                            "ConditionExpression": "#state = :pending",
                            "ExpressionAttributeNames": {"#state": "state"},
                            "ExpressionAttributeValues": {":pending": PhotoState.PENDING.value},
                        }
                    },
                    {
                        "Update": {
                            "TableName": name,
                            "Key": {"PK": pk, "SK": "PHOTOCOUNT"},
                            "UpdateExpression": "SET #type = :type ADD n :one",
                            "ConditionExpression": "attribute_not_exists(n) OR n < :limit",
                            "ExpressionAttributeNames": {"#type": "type"},
                            "ExpressionAttributeValues": {":type": "counter", ":one": 1, ":limit": limit},
                        }
                    },
                ]
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            if len(reasons) == 2 and reasons[1] == "ConditionalCheckFailed" and reasons[0] != "ConditionalCheckFailed":
                return "limit"
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return "not_pending"
            raise
        return "stored"

    def record_quarantined(self, photo: Photo) -> bool:
        """A pending slot becomes quarantined with its reason; False if it is no longer pending."""
        try:
            self._table.put_item(
                Item=_item(photo),
                ConditionExpression="#state = :pending",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":pending": PhotoState.PENDING.value},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def record_refusal(self, refusal: Refusal) -> None:
        fields = refusal.model_dump(mode="json", exclude={"owner_kind", "owner_id"})
        self._table.put_item(
            Item={
                "PK": owner_pk(refusal.owner_kind, refusal.owner_id),
                "SK": f"QUARANTINE#{refusal.photo_id}#{refusal.version_id or 'null'}",
                "type": "quarantine",
                **fields,
                "version_id": refusal.version_id or "",
            }
        )
