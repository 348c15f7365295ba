"""The local Cognito's SRP challenges (local_stack/cognito_srp): one answer each, within Cognito's
3-minute session, and never for an A that is 0 mod N. tests/e2e/test_srp.py signs in with a real
SRP client; these are the refusals it cannot reach."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from local_stack import cognito_srp

ACCOUNT, REGION = "123456789012", "us-east-1"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client_id(aws: boto3.Session) -> str:
    cognito = aws.client("cognito-idp")
    pool = cognito.create_user_pool(PoolName="srp")["UserPool"]["Id"]
    client = cognito.create_user_pool_client(UserPoolId=pool, ClientName="web")["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=pool, Username="op1", MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username="op1", Password="Frontdesk#srp1", Permanent=True)
    return client


def _challenge(srp: cognito_srp.SrpSignIn, client_id: str, a_public: int = 7) -> str:
    """The SECRET_BLOCK of a PASSWORD_VERIFIER challenge the local Cognito hands out."""
    request = {"ClientId": client_id, "AuthParameters": {"USERNAME": "op1", "SRP_A": f"{a_public:x}"}}
    motos = {"ChallengeParameters": {"USER_ID_FOR_SRP": "op1", "USERNAME": "op1", "SECRET_BLOCK": "moto"}}
    parameters = srp.challenge(request, motos)["ChallengeParameters"]
    assert parameters["SECRET_BLOCK"] != "moto" and parameters["SALT"] and parameters["SRP_B"]
    return str(parameters["SECRET_BLOCK"])


def _answer(block: str) -> dict[str, Any]:
    responses = {"PASSWORD_CLAIM_SECRET_BLOCK": block, "PASSWORD_CLAIM_SIGNATURE": "d3Jvbmc=", "TIMESTAMP": "t"}
    return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": responses}


def _message(refusal: Any) -> str:
    status, body = refusal
    assert status == 400 and body["__type"] == "NotAuthorizedException"
    return str(body["message"])


def test_a_challenge_is_answered_once(client_id: str) -> None:
    srp = cognito_srp.SrpSignIn(ACCOUNT, REGION, clock=FakeClock())
    block = _challenge(srp, client_id)
    assert _message(srp.check(_answer(block))) == "Incorrect username or password."
    assert _message(srp.check(_answer(block))) == "Invalid session for the user, session is expired."


def test_a_challenge_is_forgotten_after_cognitos_session(client_id: str) -> None:
    clock = FakeClock()
    srp = cognito_srp.SrpSignIn(ACCOUNT, REGION, clock=clock)
    block, other = _challenge(srp, client_id), _challenge(srp, client_id)
    clock.now += cognito_srp.PENDING_SECONDS
    assert _message(srp.check(_answer(block))) == "Incorrect username or password."  # still within it
    clock.now += 1
    assert _message(srp.check(_answer(other))) == "Invalid session for the user, session is expired."


def test_an_a_that_is_0_mod_n_is_refused(client_id: str) -> None:
    srp = cognito_srp.SrpSignIn(ACCOUNT, REGION, clock=FakeClock())
    with pytest.raises(ValueError, match="0 mod N"):
        _challenge(srp, client_id, a_public=cognito_srp.N)
