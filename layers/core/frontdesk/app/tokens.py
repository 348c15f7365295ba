"""Tracking tokens: the tenant's key to one ticket. Only a token's hash is ever stored."""

from __future__ import annotations

import hashlib
import secrets

from frontdesk.models.identifiers import TOKEN_MAX_LENGTH, TOKEN_MIN_LENGTH


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def could_be_token(token: str) -> bool:
    """Whether `token` has a token's length: anything else is not looked up (nothing to find)."""
    return TOKEN_MIN_LENGTH <= len(token) <= TOKEN_MAX_LENGTH
