"""Every link a mail carries is built by frontdesk.notifications.links: the console's views and the
tenant's pages, with or without a trailing slash on the base."""

from __future__ import annotations

import re

import pytest

from frontdesk.models.catalogue import catalogue
from frontdesk.notifications.links import StaffView, TenantPage, staff_link, tenant_link


@pytest.mark.parametrize("base", ["https://desk.example", "https://desk.example/"])
def test_a_console_link_opens_the_view_it_names(base: str) -> None:
    assert staff_link(base, StaffView.TICKET, "a1b2") == "https://desk.example/staff#ticket=a1b2"
    assert staff_link(base, StaffView.QUARTERLY, "ql/2026-Q3") == "https://desk.example/staff#quarterly=ql/2026-Q3"
    assert staff_link(base) == "https://desk.example/staff"


def test_a_console_link_quotes_what_could_break_the_fragment() -> None:
    assert staff_link("https://d", StaffView.TICKET, "a b#c") == "https://d/staff#ticket=a%20b%23c"


def test_a_tenant_link_is_relative_without_a_base() -> None:
    assert tenant_link("https://desk.example/", TenantPage.TRACK, "tok") == "https://desk.example/track#tok"
    assert tenant_link("", TenantPage.SURVEY, "tok") == "survey#tok"


@pytest.mark.parametrize(
    ("view", "target", "pattern"),
    [
        (StaffView.TICKET, "0123456789abcdef0123456789abcdef", "ticket_id"),
        (StaffView.DUTY, "ql-2026-11-23-day", "duty_page"),
        (StaffView.ROSTER, "2026-12", "roster_month"),
        (StaffView.CALLBACKS, "ql", "site_id"),
    ],
)
def test_the_console_takes_the_value_of_each_link_it_follows(view: StaffView, target: str, pattern: str) -> None:
    """The console tests a link's value with the catalogue's pattern: the link writes it as it is."""
    value = staff_link("https://d", view, target).split(f"#{view}=", 1)[1]
    assert re.fullmatch(getattr(catalogue().patterns, pattern), value)
