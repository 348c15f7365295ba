"""The local stack's own AWS clients parse epoch timestamps with one local time zone, made once.

botocore's default parser makes a new `dateutil.tz.tzlocal()` for every epoch timestamp it parses,
and that constructor asks the C library for the zone each time. The stream poller's GetRecords
answers carry one (`ApproximateCreationDateTime`) per record: 2.8 ms of CPU per ticket under intake
load, in the process the functions share. The same datetime comes back (botocore's own parser,
with a `tzlocal` made when the stack starts); strings go to botocore's parser unchanged. Only the
stack's session is configured (pollers, provisioning, the stack's pages): the functions' clients
parse as on Lambda.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from botocore.utils import parse_timestamp as botocore_parse_timestamp
from dateutil.tz import tzlocal  # type: ignore[import-untyped]  # botocore's own dependency

_LOCAL: Final = tzlocal()


def parse_timestamp(value: Any) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, _LOCAL)
    return botocore_parse_timestamp(value)


def install(session: Any) -> None:
    """`session`: a boto3 Session, before its clients are made."""
    factory = session._session.get_component("response_parser_factory")
    factory.set_parser_defaults(timestamp_parser=parse_timestamp)
