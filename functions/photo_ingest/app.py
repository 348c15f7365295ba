"""photo_ingest (S3 object-created under uploads/): verify each upload and record it on its ticket or report.

The upload policy is not trusted (moto does not even enforce it): the object's own size, its
magic numbers and the slot it was uploaded to are checked here. A good photo is hashed, its
capture time read from EXIF, recorded and locked (Object Lock retention on that version); a bad
file moves to quarantine/ with the reason on record. Asynchronous invocation: an error is retried
by Lambda and then goes to the function's on-failure queue; every step can run again safely.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from frontdesk import wiring
from frontdesk.function_metrics import function_metrics
from frontdesk.tracing import tracer as traced

logger = Logger()
tracer = traced()
metrics = function_metrics()
METRICS = {
    "stored": "PhotosStored",
    "quarantined": "PhotosQuarantined",
    # an event delivered again after its object was handled
    "already_stored": "PhotosRedelivered",
    "gone": "PhotosRedelivered",
}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outcomes: list[dict[str, Any]] = []
    for record in event.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record["s3"]
        key = unquote_plus(s3["object"]["key"])
        bucket = wiring.bucket(s3["bucket"]["name"])
        done = wiring.photo_ingest().ingest(bucket, key, s3["object"].get("versionId"), record.get("eventTime"))
        reason = done.reason.value if done.reason else None
        logger.info("photo ingested", extra={"key": key, "outcome": done.outcome, "reason": reason})
        metrics.add_metric(name=METRICS[done.outcome], unit="Count", value=1)
        outcomes.append({"key": key, "outcome": done.outcome, "reason": reason, "sha256": done.sha256})
    return {"photos": outcomes}
