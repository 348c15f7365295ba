"""The second factor a manager's requests need where the deployment requires it (issue 15).

Cognito runs no pre-token trigger locally, and a user pool can require MFA only of everyone; so the
staff API asks the directory, once per request of a manager, whether that manager has TOTP turned on
(docs/decisions/0025). A "yes" is remembered for the life of a token, a "no" never: a manager who
has just set it up is let in at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from frontdesk.app.ports import TotpDirectory
from frontdesk.domain.errors import SecondFactorRequired
from frontdesk.domain.permissions import needs_second_factor
from frontdesk.models.ticket import Actor

REMEMBER_SECONDS = 900.0  # an ID token's life (template.yaml IdTokenValidity)


@dataclass
class SecondFactorGate:
    directory: TotpDirectory
    required: bool
    monotonic: Callable[[], float] = time.monotonic
    _seen: dict[str, float] = field(default_factory=dict)

    def check(self, actor: Actor) -> None:
        """Refuse a manager without TOTP, when required; anyone else passes without a call."""
        if not self.required or not needs_second_factor(actor):
            return
        now = self.monotonic()
        if self._seen.get(actor.id, -1.0) > now:
            return
        if not self.directory.has_totp(actor.id):
            raise SecondFactorRequired(field="Authorization")
        self._seen[actor.id] = now + REMEMBER_SECONDS
