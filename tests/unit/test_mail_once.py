"""A notice is mailed at most once to a site's lists: marked after it went out, after a refused address
and when nobody was on the lists, and composed only when it is going out."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from frontdesk.app.mail_once import Delivery, MailOnce
from frontdesk.app.ports import MailRefused
from frontdesk.notifications.messages import Mail

from .fakes import SentMarks

LISTS = {"managers": ("b@example.com", "a@example.com"), "desk": ("a@example.com",), "nobody": ()}


class Outbox:
    def __init__(self, refuse: bool = False) -> None:
        self.sent: list[list[str]] = []
        self.refuse = refuse

    def send(self, to: Sequence[str], subject: str, body: str) -> None:
        if self.refuse:
            raise MailRefused("bad address")
        self.sent.append(list(to))


class Composer:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> Mail:
        self.calls += 1
        return Mail(subject="s", body="b")


def test_a_notice_goes_once_to_everyone_on_its_lists() -> None:
    marks, outbox, compose = SentMarks(dict(LISTS)), Outbox(), Composer()
    once = MailOnce(marks, outbox)
    assert once.send("SITE#ql", "n1", "ql", ["managers", "desk"], compose) is Delivery.SENT
    assert once.send("SITE#ql", "n1", "ql", ["managers", "desk"], compose) is Delivery.ALREADY
    assert (outbox.sent, compose.calls) == ([["a@example.com", "b@example.com"]], 1)


@pytest.mark.parametrize(
    ("lists", "refuse", "delivery", "composed"),
    [(["nobody"], False, Delivery.EMPTY, 0), (["desk"], True, Delivery.REFUSED, 1)],
)
def test_nobody_to_tell_or_a_refused_address_is_marked_not_retried(
    lists: list[str], refuse: bool, delivery: Delivery, composed: int
) -> None:
    marks, compose = SentMarks(dict(LISTS)), Composer()
    once = MailOnce(marks, Outbox(refuse))
    assert once.send("SITE#ql", "n1", "ql", lists, compose) is delivery
    assert marks.sent == {("SITE#ql", "n1")} and compose.calls == composed
    assert once.send("SITE#ql", "n1", "ql", lists, compose) is Delivery.ALREADY
