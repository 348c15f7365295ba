"""A site's apology letter template in the single table.

Keys (PK / SK):
    SITE#<site> / APOLOGY_TEMPLATE     the letter in zh-CN and en (absent: the shipped default)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from frontdesk.adapters.dynamodb import busy_when_throttled
from frontdesk.models.apology import ApologyTemplates

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

TEMPLATE_SK = "APOLOGY_TEMPLATE"


class ApologyTemplateStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def stored(self, site_id: str) -> ApologyTemplates | None:
        key = {"PK": f"SITE#{site_id}", "SK": TEMPLATE_SK}
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return ApologyTemplates.model_validate({"templates": item["templates"]}) if item else None

    def put(self, site_id: str, templates: ApologyTemplates) -> None:
        item: dict[str, Any] = {
            "PK": f"SITE#{site_id}",
            "SK": TEMPLATE_SK,
            "type": "apology_template",
            "site_id": site_id,
            **templates.model_dump(mode="json"),
        }
        with busy_when_throttled():
            self._table.put_item(Item=item)
