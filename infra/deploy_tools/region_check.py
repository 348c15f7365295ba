"""Stop a deploy to a region where the stack cannot be created, with the reason, before CloudFormation
fails half-way through (`make deploy` runs it first; python3 only).

python infra/deploy_tools/region_check.py <region>     exit 0, or 2 with the reason on stderr
"""

from __future__ import annotations

import sys

# Regions where a service the template needs is not offered (checked when this list was written;
# AWS adds services to regions over time: remove a line when it no longer holds).
UNSUPPORTED: dict[str, str] = {
    "ap-east-1": "SES (the sender identity and the configuration set for escalation mail) is not offered in Hong Kong",
    "cn-north-1": "Cognito user pools (staff sign-in) are not offered in the China regions",
    "cn-northwest-1": "Cognito user pools (staff sign-in) are not offered in the China regions",
}


def problem(region: str) -> str | None:
    if not region:
        return "no region: set AWS_REGION (or REGION=…), e.g. ap-southeast-1 or ap-northeast-1"
    reason = UNSUPPORTED.get(region)
    return (
        f"{region}: {reason}. Choose another region (ap-southeast-1 is the nearest to Hong Kong)." if reason else None
    )


def main(argv: list[str]) -> int:
    found = problem(argv[0] if argv else "")
    if found:
        print(f"cannot deploy frontdesk to {found}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
