"""The evidence bucket: presigned uploads and links, reading what arrived, quarantine, Object Lock.

Layout (prefixes; the lifecycle rules in template.yaml follow it):
    uploads/ticket/<photo_id>                 photos of a ticket (tenant or staff), verified in place
    uploads/report/<photo_id>                 photos of an incident report (keys name no ticket or report)
    quarantine/<upload key>/<version id>      refused uploads, the reason in metadata and a tag; expire
    packs/<report_id>/<pack_id>.zip           evidence packs (derived, rebuilt on demand); expire
    verify/<report_id>/<upload_id>.zip        packs uploaded to be re-checked; expire
Verified originals stay where they were uploaded; the version that was verified is locked (Object
Lock retention) and every link and pack names that version, so a later upload to the same key
cannot replace the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, cast
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from frontdesk.clock import to_iso

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

_MISSING = frozenset({"404", "NoSuchKey", "NoSuchVersion", "NotFound"})


@dataclass(frozen=True)
class StoredObject:
    key: str
    version_id: str | None
    size: int
    last_modified: str
    content_type: str


def _missing(error: ClientError) -> bool:
    return error.response["Error"]["Code"] in _MISSING


class EvidenceBucket:
    def __init__(self, bucket: str, client: S3Client | None = None) -> None:
        self.name = bucket
        # Virtual-hosted addressing and SigV4: what browsers can POST to and what presigned GETs need.
        self._config = Config(signature_version="s3v4", s3={"addressing_style": "virtual"})
        self._given = client

    @cached_property
    def _client(self) -> S3Client:
        """Made on first use: a route that builds this adapter but never calls it makes no client (ADR 0027)."""
        return self._given or boto3.client("s3", config=self._config)

    # ------------------------------------------------------------------ links

    def presigned_post(
        self, key: str, content_type: str | None, max_bytes: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        """One key, a size range and (for photos) one content type; the browser sends the fields, then the file."""
        conditions: list[Any] = [["content-length-range", 1, max_bytes]]
        fields: dict[str, str] = {}
        if content_type is not None:
            conditions.append({"Content-Type": content_type})
            fields["Content-Type"] = content_type
        post = self._client.generate_presigned_post(
            Bucket=self.name, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expires_in
        )
        return post["url"], {str(k): str(v) for k, v in post["fields"].items()}

    def presigned_get(self, key: str, version_id: str | None, content_type: str, filename: str, expires_in: int) -> str:
        """A link to exactly this version, served with the type the bytes have (not the one declared) and
        as an attachment: opened on its own, a file from the bucket is saved, never rendered as a page
        (an <img> still shows it). S3 cannot add X-Content-Type-Options (docs/decisions/0012)."""
        params: dict[str, Any] = {
            "Bucket": self.name,
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        }
        if version_id:
            params["VersionId"] = version_id
        return self._client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)

    # ------------------------------------------------------------------ reading

    def head(self, key: str, version_id: str | None = None) -> StoredObject | None:
        kwargs: dict[str, Any] = {"Bucket": self.name, "Key": key}
        if version_id:
            kwargs["VersionId"] = version_id
        try:
            head = self._client.head_object(**kwargs)
        except ClientError as error:
            if _missing(error):
                return None
            raise
        return StoredObject(
            key=key,
            version_id=head.get("VersionId") or version_id,
            size=int(head["ContentLength"]),
            last_modified=to_iso(head["LastModified"]),
            content_type=str(head.get("ContentType", "")),
        )

    def read(self, key: str, version_id: str | None, limit: int) -> bytes | None:
        """At most ``limit`` bytes of this version (a range read: an oversized file is never loaded whole)."""
        kwargs: dict[str, Any] = {"Bucket": self.name, "Key": key, "Range": f"bytes=0-{limit - 1}"}
        if version_id:
            kwargs["VersionId"] = version_id
        try:
            body = self._client.get_object(**kwargs)["Body"]
        except ClientError as error:
            if _missing(error):
                return None
            if error.response["Error"]["Code"] == "InvalidRange":  # an empty object has no byte 0
                return b""
            raise
        return body.read()

    def download(self, key: str, version_id: str | None, target: IO[bytes]) -> None:
        extra = {"VersionId": version_id} if version_id else None
        self._client.download_fileobj(self.name, key, target, ExtraArgs=extra)

    # ------------------------------------------------------------------ writing

    def quarantine(self, key: str, version_id: str | None, target: str, reason: str) -> None:
        """Copy this version aside with the reason, then delete exactly this version (unlocked: never verified)."""
        source: dict[str, str] = {"Bucket": self.name, "Key": key}
        if version_id:
            source["VersionId"] = version_id
        self._client.copy_object(
            Bucket=self.name,
            Key=target,
            CopySource=cast(Any, source),
            MetadataDirective="REPLACE",
            Metadata={"reason": reason, "source-key": key, "source-version": version_id or ""},
            TaggingDirective="REPLACE",
            Tagging=f"reason={reason}",
            ContentType="application/octet-stream",
        )
        delete: dict[str, Any] = {"Bucket": self.name, "Key": key}
        if version_id:
            delete["VersionId"] = version_id
        self._client.delete_object(**delete)

    def retain(self, key: str, version_id: str | None, mode: str, until: datetime) -> None:
        """Object Lock retention on this version: it cannot be deleted or overwritten until ``until``."""
        kwargs: dict[str, Any] = {
            "Bucket": self.name,
            "Key": key,
            "Retention": {"Mode": mode, "RetainUntilDate": until},
        }
        if version_id:
            kwargs["VersionId"] = version_id
        self._client.put_object_retention(**kwargs)

    def upload(self, key: str, body: IO[bytes], content_type: str) -> str | None:
        """Store a file (packs); its version id."""
        self._client.upload_fileobj(body, self.name, key, ExtraArgs={"ContentType": content_type})
        head = self.head(key)
        return head.version_id if head else None
