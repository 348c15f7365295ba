"""The weekly sample (frontdesk.domain.sampling): the rate, reproducibility, and the smallest weeks."""

from __future__ import annotations

from datetime import date

import pytest

from frontdesk.domain import sampling

TICKETS = [f"{n:032x}" for n in range(100)]
WEEK = "2026-W48"


@pytest.mark.parametrize(("population", "percent", "chosen"), [(100, 20, 20), (100, 30, 30), (7, 20, 2), (10, 0, 0)])
def test_the_rate_rounds_up(population: int, percent: int, chosen: int) -> None:
    assert len(sampling.sample(TICKETS[:population], "s1", WEEK, percent)) == chosen


def test_the_default_rate_is_20_percent() -> None:
    assert sampling.DEFAULT_PERCENT == 20 and len(sampling.sample(TICKETS, "s1", WEEK)) == 20


def test_the_same_seed_and_week_give_the_same_tickets_whatever_the_order() -> None:
    first = sampling.sample(TICKETS, "seed-a", WEEK)
    assert sampling.sample(list(reversed(TICKETS)), "seed-a", WEEK) == first
    assert set(first) <= set(TICKETS) and len(set(first)) == len(first)


def test_another_seed_or_week_gives_another_sample() -> None:
    first = sampling.sample(TICKETS, "seed-a", WEEK)
    assert sampling.sample(TICKETS, "seed-b", WEEK) != first
    assert sampling.sample(TICKETS, "seed-a", "2026-W49") != first


def test_a_population_of_0_or_1() -> None:
    assert sampling.sample([], "s1", WEEK) == ()
    assert sampling.sample(TICKETS[:1], "s1", WEEK) == (TICKETS[0],)  # rounded up: never a week without one


def test_a_ticket_listed_twice_counts_once() -> None:
    assert sampling.sample([TICKETS[0], TICKETS[0]], "s1", WEEK, 100) == (TICKETS[0],)


def test_the_weeks_days() -> None:
    days = sampling.week_days(WEEK)
    assert (days[0], days[-1]) == (date(2026, 11, 23), date(2026, 11, 29))
    with pytest.raises(ValueError, match="sample_week_invalid"):
        sampling.week_days("2026-W54")
