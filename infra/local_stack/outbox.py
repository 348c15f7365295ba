"""Every email (SES) and SNS message the local stack's moto has accepted, newest first.

moto keeps what was sent in its backends (this process) without a send time. The outbox stamps
each message twice: `sent_at` when moto's backend accepted it (the send methods are wrapped, so this
is the moment SES or SNS would have taken it), and `seen_at` when the outbox first saw it (within
`interval` of the send). A message sent before the wrapping has only `seen_at` (then `sent_at` is it).
moto only appends to what it keeps, so each look reads only what came after the last one: reading
everything at every look cost 12 % of the stack's CPU with a few thousand messages kept
(docs/decisions/0026).
"""

from __future__ import annotations

import email
import email.policy
import functools
import html
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from local_stack.method_patch import MethodPatch

POLL_INTERVAL_SECONDS: Final = 0.5


@dataclass(frozen=True)
class OutboxMessage:
    id: str
    seen_at: str
    channel: str  # "email", "sns" or "sms"
    sent_at: str
    sender: str | None = None
    to: tuple[str, ...] = ()
    subject: str | None = None
    body: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# When moto accepted each message, by id (a bulk send's ids each). moto keeps every message too.
_SENT_AT: dict[str, str] = {}


def _ids(returned: Any) -> list[str]:
    if isinstance(returned, str):
        return [returned]
    ids = getattr(returned, "ids", None) or [getattr(returned, "id", None)]
    return [str(i) for i in ids if i is not None]


def _stamped(send: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(send)
    def stamped(*args: Any, **kwargs: Any) -> Any:
        returned = send(*args, **kwargs)
        at = _now()
        for message_id in _ids(returned):
            _SENT_AT[message_id] = at
        return returned

    return stamped


def _ses() -> type:
    from moto.ses.models import SESBackend

    return SESBackend


def _sns() -> type:
    from moto.sns.models import SNSBackend

    return SNSBackend


_SES_SENDS: Final = ("send_email", "send_raw_email", "send_templated_email", "send_bulk_templated_email")
_SENDS: Final = [*(MethodPatch(_ses, name) for name in _SES_SENDS), MethodPatch(_sns, "publish")]


def stamp_sends() -> None:
    """Wrap moto's SES and SNS send methods (once) so that every message keeps its send time."""
    for send in _SENDS:
        send.install(_stamped)


def unstamp_sends() -> None:
    for send in _SENDS:
        send.uninstall()


def _message(message_id: str, seen: str, channel: str, **fields: Any) -> OutboxMessage:
    """A message as the outbox keeps it: seen now, sent when moto accepted it (the first id of a bulk send)."""
    sent_at = _SENT_AT.get(message_id.split(",")[0], seen)
    return OutboxMessage(id=message_id, seen_at=seen, sent_at=sent_at, channel=channel, **fields)


def _recipients(destinations: Any) -> tuple[str, ...]:
    if isinstance(destinations, dict):
        found: list[str] = []
        for kind in ("ToAddresses", "CcAddresses", "BccAddresses"):
            prefix = "" if kind == "ToAddresses" else kind[:3].lower() + ": "
            found.extend(prefix + str(address) for address in destinations.get(kind, []))
        return tuple(found)
    if isinstance(destinations, list | tuple):
        return tuple(str(d) for d in destinations)
    return ()


def _raw_email(raw: str) -> tuple[str | None, tuple[str, ...], str | None, str]:
    parsed = email.message_from_string(raw, policy=email.policy.default)
    text = ""
    part = parsed.get_body(preferencelist=("plain", "html"))
    if part is not None:
        text = str(part.get_content())
    to = tuple(str(a) for a in (parsed.get_all("To") or []))
    sender = parsed.get("From")
    subject = parsed.get("Subject")
    return (str(sender) if sender else None), to, (str(subject) if subject else None), text


def _ses_messages(items: Iterable[Any], seen: str) -> Iterable[OutboxMessage]:
    for item in items:
        kind = type(item).__name__
        if kind == "RawMessage":
            sender, to, subject, body = _raw_email(str(item.raw_data))
            yield _message(
                str(item.id),
                seen,
                "email",
                sender=str(item.source or sender or ""),
                to=_recipients(item.destinations) or to,
                subject=subject,
                body=body,
            )
        elif kind in ("TemplateMessage", "BulkTemplateMessage"):
            ids = getattr(item, "ids", None) or [item.id]
            yield _message(
                ",".join(str(i) for i in ids),
                seen,
                "email",
                sender=str(item.source),
                to=_recipients(item.destinations),
                subject=f"(template {item.template})",
                body=str(item.template_data),
            )
        else:
            yield _message(
                str(item.id),
                seen,
                "email",
                sender=str(item.source),
                to=_recipients(item.destinations),
                subject=item.subject,
                body=str(item.body),
            )


class Outbox:
    """Watches moto's SES and SNS backends in this process."""

    def __init__(self, account_id: str, region: str, interval: float = POLL_INTERVAL_SECONDS) -> None:
        self.account_id = account_id
        self.region = region
        self.interval = interval
        stamp_sends()
        self._messages: list[OutboxMessage] = []
        self._documents: list[dict[str, Any]] = []  # each message as JSON, made once (the page polls)
        self._seen: set[str] = set()
        self._read: dict[str, int] = {}  # how much of each of moto's lists was read
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    def _current(self, seen: str) -> list[OutboxMessage]:
        from moto.ses.models import ses_backends
        from moto.sns.models import sns_backends

        read: dict[str, int] = {}  # taken as read only once all was read (an error reads it again)
        found = list(
            _ses_messages(self._unread(read, "ses", ses_backends[self.account_id][self.region].sent_messages), seen)
        )
        sns = sns_backends[self.account_id][self.region]
        for arn, topic in list(sns.topics.items()):
            for message_id, message, subject, attributes, group_id in self._unread(read, arn, topic.sent_notifications):
                found.append(
                    _message(
                        message_id,
                        seen,
                        "sns",
                        to=(arn,),
                        subject=subject,
                        body=message,
                        attributes={**(attributes or {}), **({"MessageGroupId": group_id} if group_id else {})},
                    )
                )
        for message_id, (phone, message) in self._unread(read, "sms", list(sns.sms_messages.items())):
            found.append(
                _message(
                    message_id,
                    seen,
                    "sms",
                    to=(phone,),
                    body=message,
                )
            )
        self._read.update(read)
        return found

    def _unread(self, read: dict[str, int], name: str, kept: list[Any]) -> list[Any]:
        """What moto appended to `kept` since the last look (all of it if moto was reset)."""
        items = list(kept)
        start = self._read.get(name, 0)
        if start > len(items):
            start = 0
        read[name] = len(items)
        return items[start:]

    def sync(self) -> None:
        with self._lock:
            for message in self._current(_now()):
                key = f"{message.channel}:{message.id}"
                if key not in self._seen:
                    self._seen.add(key)
                    self._messages.append(message)
                    self._documents.append(asdict(message))

    def messages(self) -> list[OutboxMessage]:
        """Newest first."""
        self.sync()
        with self._lock:
            return list(reversed(self._messages))

    def as_json(self) -> list[dict[str, Any]]:
        """Newest first, as JSON documents (made when a message was first seen, not at every look)."""
        self.sync()
        with self._lock:
            return list(reversed(self._documents))

    def start(self) -> None:
        def run() -> None:
            while not self._stop_event.wait(self.interval):
                try:
                    self.sync()
                except RuntimeError:
                    continue  # a backend dict changed size while being read: read again next time

        self._thread = threading.Thread(target=run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        unstamp_sends()
        self._stop_event.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None


def page(messages: list[dict[str, Any]]) -> str:
    """The outbox page: the messages now, refreshed from /local/outbox.json every two seconds."""
    initial = json.dumps(messages, ensure_ascii=False).replace("</", "<\\/")
    return _PAGE.replace("__MESSAGES__", initial).replace("__COUNT__", html.escape(str(len(messages))))


_PAGE: Final = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>发件箱 Outbox - frontdesk local</title>
<style>
 body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 1.5rem; color: #222; }
 h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
 p.note { color: #666; margin: 0 0 1rem; }
 article { border: 1px solid #ddd; border-radius: 6px; padding: .6rem .9rem; margin: 0 0 .8rem; }
 header { display: flex; gap: 1rem; flex-wrap: wrap; font-size: .9rem; color: #555; }
 .channel { font-weight: 600; text-transform: uppercase; color: #0a5; }
 .channel.sns { color: #a50; } .channel.sms { color: #05a; }
 h2 { font-size: 1.05rem; margin: .4rem 0; }
 pre { white-space: pre-wrap; word-break: break-word; background: #f7f7f7; padding: .5rem; margin: 0; }
</style>
</head>
<body>
<h1>发件箱 Outbox</h1>
<p class="note">每封邮件和每条 SNS 消息，最新的在前 · Every email and SNS message sent, newest first
 (<span id="count">__COUNT__</span>)</p>
<main id="messages"></main>
<script>
const initial = __MESSAGES__;
function render(messages) {
  const main = document.getElementById("messages");
  document.getElementById("count").textContent = messages.length;
  main.replaceChildren(...messages.map((m) => {
    const article = document.createElement("article");
    const header = document.createElement("header");
    const add = (parent, tag, text, cls) => {
      const el = document.createElement(tag);
      el.textContent = text;
      if (cls) el.className = cls;
      parent.appendChild(el);
      return el;
    };
    add(header, "span", m.channel, "channel " + m.channel);
    add(header, "time", m.sent_at);
    if (m.sender) add(header, "span", "from " + m.sender);
    add(header, "span", "to " + m.to.join(", "));
    article.appendChild(header);
    if (m.subject) add(article, "h2", m.subject);
    add(article, "pre", m.body);
    return article;
  }));
}
render(initial);
setInterval(async () => {
  try {
    const response = await fetch("/local/outbox.json", {cache: "no-store"});
    if (response.ok) render(await response.json());
  } catch (e) { /* the stack stopped */ }
}, 2000);
</script>
</body>
</html>
"""
