"""In-memory stand-ins for the ports that several unit tests need alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from frontdesk.models.mailing import MailingList


@dataclass
class SentMarks:
    """`ports.Sent` in memory: the site's mailing lists by name, and the marks of what was mailed."""

    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sent: set[tuple[str, str]] = field(default_factory=set)

    def mailing_list(self, site_id: str, name: str) -> MailingList:
        return MailingList(site_id=site_id, name=name, members=self.lists.get(name, ()))

    def was_sent(self, subject_key: str, key: str) -> bool:
        return (subject_key, key) in self.sent

    def sent_under(self, subject_key: str, prefix: str) -> frozenset[str]:
        return frozenset(key for subject, key in self.sent if subject == subject_key and key.startswith(prefix))

    def mark_sent(self, subject_key: str, key: str) -> None:
        self.sent.add((subject_key, key))
