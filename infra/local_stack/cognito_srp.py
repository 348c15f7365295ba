"""Cognito's SRP sign-in (USER_SRP_AUTH), checked for real on moto's user pools.

moto 5.2.5 answers USER_SRP_AUTH with a random SALT and SRP_B and accepts any
PASSWORD_CLAIM_SIGNATURE, so a wrong SRP client, or a wrong password, would sign in locally and
fail only on AWS. The local stack's Cognito endpoint therefore plays Cognito's half of SRP-6a
(docs/decisions/0025), with the user's password from moto's pool (moto keeps it in clear):

    x = H(salt | H(pool_name | user_id_for_srp | ":" | password))     v = g^x mod N
    B = k*v + g^b mod N            u = H(A | B)           S = (A * v^u)^b mod N
    K = HKDF-SHA256(ikm=S, salt=u, info="Caldera Derived Key")[:16]
    signature = HMAC-SHA256(K, pool_name | user_id_for_srp | secret_block | timestamp)

(N the 3072-bit group of RFC 5054, g = 2, k = H(N | g); every number hashed as even-length hex
with a leading 00 when its top bit is set.) The challenge moto made is kept (its session, its
USER_ID_FOR_SRP), with SALT, SRP_B and SECRET_BLOCK replaced by real ones; a signature that checks
is handed on to moto (with moto's own secret block, which moto takes for its session), which goes
on as on AWS (a new password, a TOTP code, or tokens). A signature
that does not is refused with Cognito's NotAuthorizedException. tests/e2e/test_srp.py checks this
side against pycognito, an SRP client used against AWS itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

N_HEX: Final = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N: Final = int(N_HEX, 16)
G: Final = 2
INFO: Final = b"Caldera Derived Key"
# A challenge is answered within Cognito's 3-minute session, or forgotten; at most this many wait.
PENDING_SECONDS: Final = 180.0
MAX_PENDING: Final = 1000

INITIATE: Final = "AWSCognitoIdentityProviderService.InitiateAuth"
RESPOND: Final = "AWSCognitoIdentityProviderService.RespondToAuthChallenge"
# InitiateAuth's flows and the ExplicitAuthFlows entry a client needs for each, as on AWS
FLOW_ALLOWED_BY: Final = {
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
}


def pad_hex(value: int) -> str:
    """A number as Cognito hashes it: even-length hex, 00 in front when the top bit is set."""
    text = f"{value:x}"
    if len(text) % 2:
        return "0" + text
    return "00" + text if text[0] in "89abcdef" else text


def _hash_hex(hex_text: str) -> int:
    return int(hashlib.sha256(bytes.fromhex(hex_text)).hexdigest(), 16)


K: Final = _hash_hex("00" + N_HEX + "0" + f"{G:x}")


def password_hash(pool_name: str, user_id: str, password: str) -> str:
    return hashlib.sha256(f"{pool_name}{user_id}:{password}".encode()).hexdigest().rjust(64, "0")


def verifier(salt_hex: str, pool_name: str, user_id: str, password: str) -> int:
    x = _hash_hex(salt_hex + password_hash(pool_name, user_id, password))
    return pow(G, x, N)


def session_key(a_public: int, b_public: int, b_secret: int, v: int) -> bytes:
    u = _hash_hex(pad_hex(a_public) + pad_hex(b_public))
    s = pow(a_public * pow(v, u, N), b_secret, N)
    prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(s)), hashlib.sha256).digest()
    return hmac.new(prk, INFO + b"\x01", hashlib.sha256).digest()[:16]


def signature(key: bytes, pool_name: str, user_id: str, secret_block: bytes, timestamp: str) -> str:
    message = pool_name.encode() + user_id.encode() + secret_block + timestamp.encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class Pending:
    pool_name: str
    user_id: str
    secret_block: bytes
    motos_block: str  # moto's SECRET_BLOCK: moto finds its session by it
    key: bytes
    until: float


def _refusal(kind: str, message: str) -> tuple[int, dict[str, Any]]:
    return 400, {"__type": kind, "message": message}


class SrpSignIn:
    """Cognito's side of SRP for the local stack's Cognito endpoint, on moto's pools in this process."""

    def __init__(self, account_id: str, region: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._account_id, self._region, self._clock = account_id, region, clock
        self._pending: OrderedDict[str, Pending] = OrderedDict()
        self._lock = threading.Lock()

    def _backend(self) -> Any:
        from moto.cognitoidp.models import cognitoidp_backends  # the moto server runs in this process

        return cognitoidp_backends[self._account_id][self._region]

    def refuse_flow(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """Cognito's refusal of an InitiateAuth flow the app client does not allow (moto allows any)."""
        flow = str(request.get("AuthFlow", ""))
        client_id = str(request.get("ClientId", ""))
        for pool in self._backend().user_pools.values():
            client = pool.clients.get(client_id)
            if client is None:
                continue
            allowed = client.extended_config.get("ExplicitAuthFlows") or []
            if FLOW_ALLOWED_BY.get(flow) not in allowed:
                return _refusal("InvalidParameterException", f"{flow} flow not enabled for this client")
        return None

    def challenge(self, request: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
        """moto's PASSWORD_VERIFIER challenge with a real salt, B and secret block."""
        parameters = dict(answer.get("ChallengeParameters") or {})
        try:
            a_public = int(str(request["AuthParameters"]["SRP_A"]), 16)
        except (KeyError, TypeError, ValueError):
            return answer
        if a_public % N == 0:  # the client's A must not be 0 mod N (SRP-6a's safety check)
            raise ValueError("SRP_A is 0 mod N")
        user_id, username = str(parameters["USER_ID_FOR_SRP"]), str(parameters["USERNAME"])
        client_id = str(request.get("ClientId", ""))
        pool = next(p for p in self._backend().user_pools.values() if client_id in p.clients)
        pool_name = pool.id.split("_", 1)[1]
        password = self._backend().admin_get_user(pool.id, username).password or ""
        salt_hex = pad_hex(secrets.randbits(128) | 1 << 127)
        v = verifier(salt_hex, pool_name, user_id, password)
        b_secret = secrets.randbits(1024) % N
        b_public = (K * v + pow(G, b_secret, N)) % N
        secret_block = secrets.token_bytes(64)
        key = session_key(a_public, b_public, b_secret, v)
        motos_block = str(parameters.get("SECRET_BLOCK", ""))
        pending = Pending(pool_name, user_id, secret_block, motos_block, key, self._clock() + PENDING_SECONDS)
        with self._lock:
            self._forget_expired()
            self._pending[base64.b64encode(secret_block).decode()] = pending
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)
        parameters.update(SALT=salt_hex, SRP_B=f"{b_public:x}", SECRET_BLOCK=base64.b64encode(secret_block).decode())
        return {**answer, "ChallengeParameters": parameters}

    def check(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]] | dict[str, Any]:
        """The PASSWORD_VERIFIER answer to hand on to moto when it proves the password; otherwise
        Cognito's refusal (status, body). As on AWS, the secret block names the challenge (a
        client need not send the Session back)."""
        answers = request.get("ChallengeResponses") or {}
        block_text = str(answers.get("PASSWORD_CLAIM_SECRET_BLOCK", ""))
        with self._lock:
            self._forget_expired()
            pending = self._pending.pop(block_text, None)
        if pending is None:
            return _refusal("NotAuthorizedException", "Invalid session for the user, session is expired.")
        try:
            claimed, timestamp = str(answers["PASSWORD_CLAIM_SIGNATURE"]), str(answers["TIMESTAMP"])
        except KeyError:
            return _refusal("NotAuthorizedException", "Incorrect username or password.")
        expected = signature(pending.key, pending.pool_name, pending.user_id, pending.secret_block, timestamp)
        if not hmac.compare_digest(expected, claimed):
            return _refusal("NotAuthorizedException", "Incorrect username or password.")
        forwarded = {**answers, "PASSWORD_CLAIM_SECRET_BLOCK": pending.motos_block}
        return {**request, "Session": pending.motos_block, "ChallengeResponses": forwarded}

    def _forget_expired(self) -> None:
        now = self._clock()
        for session in [s for s, p in self._pending.items() if p.until < now]:
            del self._pending[session]
