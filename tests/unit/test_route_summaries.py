"""A route's summary is what its command's own docstring says it does (frontdesk.api.routes.summary_of)."""

from __future__ import annotations

import pytest

from frontdesk.api.routes import summary_of
from frontdesk.models.incident import SubmitIncidentReport


def test_the_summary_is_the_commands_docstring_on_one_line() -> None:
    assert summary_of(SubmitIncidentReport) == (
        "Submit the report: it is closed to changes and mailed to the managers and department heads"
    )


def test_a_command_that_says_nothing_of_its_own_is_refused() -> None:
    class Resubmit(SubmitIncidentReport):
        pass  # its base's docstring would describe another route

    with pytest.raises(TypeError, match="Resubmit says nothing of what it does"):
        summary_of(Resubmit)
