"""Cognito's RevokeToken, which moto 5.2.5 does not implement, on moto's own user pools.

The staff console revokes its refresh token on signing out (docs/decisions/0025). On AWS, RevokeToken
with a public client's id ends that refresh token and every access token issued from it; id tokens
are not revoked (they only expire, which is why their validity is short). Here the refresh token is
ended in moto's pool as moto's own GlobalSignOut ends it, so a later REFRESH_TOKEN_AUTH with it is
refused (NotAuthorizedException), as on AWS.
"""

from __future__ import annotations

import json
from typing import Any, Final

TARGET: Final = "AWSCognitoIdentityProviderService.RevokeToken"


def _error(kind: str, message: str) -> tuple[int, dict[str, str]]:
    return 400, {"__type": kind, "message": message}


def revoke_token(body: bytes, account_id: str, region: str) -> tuple[int, dict[str, Any]]:
    """(status, JSON body) of RevokeToken {Token, ClientId} against moto's pools in this process."""
    from moto.cognitoidp.models import cognitoidp_backends  # the moto server runs in this process

    try:
        request = json.loads(body or b"{}")
        token, client_id = str(request["Token"]), str(request["ClientId"])
    except (ValueError, KeyError, TypeError):
        return _error("InvalidParameterException", "Token and ClientId are required")
    backend = cognitoidp_backends[account_id][region]
    for pool in backend.user_pools.values():
        if token not in pool.refresh_tokens:
            continue
        issued = pool.refresh_tokens[token]
        if issued is not None and issued[0] != client_id:
            return _error("UnauthorizedException", "the token was not issued to this client")
        pool.refresh_tokens[token] = None  # revoked (already revoked: still a success, as on AWS)
        return 200, {}
    return _error("UnsupportedTokenTypeException", "not a refresh token of this user pool")
