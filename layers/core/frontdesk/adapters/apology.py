"""A site's apology letter template in the single table.

Keys (PK / SK):
    SITE#<site> / APOLOGY_TEMPLATE     the letter in zh-CN and en (absent: the shipped default)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontdesk.adapters.dynamodb import put_site_setting, site_setting
from frontdesk.models.apology import ApologyTemplates

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

TEMPLATE_SK = "APOLOGY_TEMPLATE"


class ApologyTemplateStore:
    def __init__(self, table: Table) -> None:
        self._table = table

    def stored(self, site_id: str) -> ApologyTemplates | None:
        item = site_setting(self._table, site_id, TEMPLATE_SK)
        return ApologyTemplates.model_validate({"templates": item["templates"]}) if item else None

    def put(self, site_id: str, templates: ApologyTemplates) -> None:
        put_site_setting(self._table, site_id, TEMPLATE_SK, "apology_template", templates.model_dump(mode="json"))
