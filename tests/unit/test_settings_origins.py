"""Where browsers reach the evidence bucket: the origins the pages' CSP allows (frontdesk.settings).

They must be exactly what boto3 signs presigned POSTs and GET links for with the adapter's
configuration (SigV4, virtual-hosted addressing), or the browser refuses the upload.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from frontdesk.settings import Settings, s3_origins


@pytest.mark.parametrize(
    ("bucket", "endpoint", "region", "origins"),
    [
        ("", "", "us-east-1", ()),
        ("ev-1", "", "eu-west-1", ("https://ev-1.s3.eu-west-1.amazonaws.com",)),
        ("ev-1", "", "us-east-1", ("https://ev-1.s3.us-east-1.amazonaws.com", "https://ev-1.s3.amazonaws.com")),
        ("ev-1", "", "cn-north-1", ("https://ev-1.s3.cn-north-1.amazonaws.com.cn",)),
        ("ev.1", "", "eu-west-1", ("https://s3.eu-west-1.amazonaws.com",)),
        ("ev-1", "http://127.0.0.1:5310", "us-east-1", ("http://127.0.0.1:5310",)),
        ("ev-1", "http://localhost:5000/", "us-east-1", ("http://ev-1.localhost:5000", "http://localhost:5000")),
        ("ev-1", "not a url", "us-east-1", ()),
    ],
)
def test_origins(bucket: str, endpoint: str, region: str, origins: tuple[str, ...]) -> None:
    assert s3_origins(bucket, endpoint, region) == origins


@pytest.mark.parametrize(
    ("bucket", "endpoint", "region"),
    [
        ("frontdesk-evidencebucket-1x2y3z", None, "us-east-1"),
        ("frontdesk-evidencebucket-1x2y3z", None, "ap-southeast-1"),
        ("frontdesk-evidencebucket", "http://127.0.0.1:5310", "us-east-1"),
        ("frontdesk-evidencebucket", "http://localhost:5000", "us-east-1"),
    ],
)
def test_the_origins_cover_what_boto3_signs(
    bucket: str, endpoint: str | None, region: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.client(
        "s3",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}),
    )
    post = client.generate_presigned_post(Bucket=bucket, Key="uploads/ticket/t/p", ExpiresIn=60)["url"]
    link = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    settings = Settings(table_name="t", evidence_bucket=bucket, s3_endpoint_url=endpoint or "", aws_region=region)
    for url in (post, link):
        assert any(url.startswith(origin + "/") for origin in settings.s3_public_origins), (url, settings)


def test_settings_are_validated_from_the_environment_and_empty_means_unset() -> None:
    from pydantic import ValidationError

    from frontdesk.settings import Settings

    env = {"TABLE_NAME": "t", "TIME_SCALE": "", "AWS_ENDPOINT_URL_S3": "", "AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}
    read = Settings.model_validate({**env, "EVIDENCE_RETENTION_DAYS": "30", "UNRELATED": "x"})
    assert (read.table_name, read.time_scale, read.evidence_retention_days) == ("t", 1.0, 30)
    assert read.s3_endpoint_url == "http://127.0.0.1:5000"  # the S3-specific endpoint is empty: the general one
    with pytest.raises(ValidationError, match="EVIDENCE_LOCK_MODE"):
        Settings.model_validate({**env, "EVIDENCE_LOCK_MODE": "LOOSE"})
    with pytest.raises(ValidationError, match="TIME_SCALE"):
        Settings.model_validate({**env, "TIME_SCALE": "fast"})
    with pytest.raises(ValidationError, match="TABLE_NAME"):
        Settings.model_validate({"TABLE_NAME": ""})


@pytest.mark.parametrize(
    ("public", "api", "base"),
    [
        (
            "https://desk.example.com/",
            "https://abc.execute-api.us-east-1.amazonaws.com/prod",
            "https://desk.example.com",
        ),
        (
            "",
            "https://abc.execute-api.us-east-1.amazonaws.com/prod",
            "https://abc.execute-api.us-east-1.amazonaws.com/prod",
        ),
    ],
)
def test_links_in_mail_are_absolute_even_without_a_public_base_url(public: str, api: str, base: str) -> None:
    settings = Settings.model_validate({"TABLE_NAME": "t", "PUBLIC_BASE_URL": public, "API_URL": api})
    assert settings.mail_base_url == base
