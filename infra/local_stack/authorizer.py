"""API Gateway's Cognito user-pool authorizer, against moto's Cognito.

The token in the `Authorization` header must be an id token the pool signed (RS256, verified
against the pool's JWKS on the moto server), unexpired, issued by the pool and for one of the
pool's app clients. Its claims reach the function as API Gateway (REST) hands them on: every value
a string, `exp`/`iat` as dates, a list claim such as `cognito:groups` as ``"a"`` or ``"[a b]"``.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

import jwt

log = logging.getLogger("local_stack")

_DATE_CLAIMS: Final = frozenset({"exp", "iat"})


def issuer(region: str, pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def token_from_header(value: str | None) -> str | None:
    """The raw token of an Authorization header (a bare token, or "Bearer <token>")."""
    if not value:
        return None
    value = value.strip()
    scheme, _, rest = value.partition(" ")
    if rest and scheme.lower() == "bearer":
        value = rest.strip()
    return value or None


def _claim_string(name: str, value: Any) -> str:
    if name in _DATE_CLAIMS and isinstance(value, int | float):
        # API Gateway passes dates like Java's Date.toString(): "Tue Apr 04 18:39:39 UTC 2023"
        return datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
    if isinstance(value, list):
        items = [str(item) for item in value]
        return items[0] if len(items) == 1 else "[" + " ".join(items) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def gateway_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Verified token claims as a REST API's Cognito authorizer puts them in requestContext.authorizer.claims."""
    return {name: _claim_string(name, value) for name, value in claims.items()}


class AuthorizerUnavailableError(Exception):
    """The pool's keys cannot be read: API Gateway answers 500 AUTHORIZER_CONFIGURATION_ERROR."""


class CognitoAuthorizer:
    """Verifies id tokens of one user pool; keys are fetched from moto once and on an unknown `kid`."""

    def __init__(self, jwks_url: str, region: str, pool_id: str, client_ids: Iterable[str], leeway: float = 0) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer(region, pool_id)
        self.client_ids = sorted(client_ids)
        self.leeway = leeway
        self._keys: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _key(self, kid: str) -> Any:
        with self._lock:
            if kid not in self._keys:
                with urllib.request.urlopen(self.jwks_url, timeout=5) as response:  # noqa: S310 (our own moto)
                    document = json.load(response)
                self._keys = {k["kid"]: jwt.PyJWK(k).key for k in document.get("keys", []) if "kid" in k}
            return self._keys.get(kid)

    def verify(self, authorization: str | None) -> dict[str, Any] | None:
        """The token's claims if API Gateway would let the request through, else None (401).

        Raises AuthorizerUnavailableError when the pool's keys cannot be fetched.
        """
        token = token_from_header(authorization)
        if token is None:
            return None
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256":
                return None
            key = self._key(str(header.get("kid", "")))
            if key is None:
                return None
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self.client_ids,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "token_use"]},
            )
        except jwt.PyJWTError as error:
            log.info("authorizer refused a token: %s", error)
            return None
        except OSError as error:
            log.error("authorizer cannot read the pool's keys at %s: %s", self.jwks_url, error)
            raise AuthorizerUnavailableError(str(error)) from error
        if claims.get("token_use") != "id":
            log.info("authorizer refused a token: token_use=%s", claims.get("token_use"))
            return None
        return claims
