"""`make deploy` stops before CloudFormation where the stack cannot be created, and says why."""

from __future__ import annotations

import pytest

from deploy_tools import region_check


@pytest.mark.parametrize(("region", "says"), [("ap-east-1", "SES"), ("cn-north-1", "Cognito"), ("", "no region")])
def test_a_region_the_stack_cannot_live_in_is_refused_with_the_reason(
    region: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert region_check.main([region] if region else []) == 2
    assert says in capsys.readouterr().err


@pytest.mark.parametrize("region", ["ap-southeast-1", "ap-northeast-1", "us-east-1", "eu-west-1"])
def test_a_region_with_every_service_passes(region: str) -> None:
    assert region_check.main([region]) == 0
