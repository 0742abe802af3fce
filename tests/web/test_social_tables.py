"""The filters the institution and workforce pages and API share."""

from __future__ import annotations

import datetime as dt

from terpadu.services.institutions import InstitutionRow
from terpadu.web.social_tables import accreditation_state, months_ahead

TODAY = dt.date(2026, 12, 6)


def test_months_ahead_and_accreditation_states() -> None:
    assert months_ahead(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert months_ahead(dt.date(2026, 11, 15), 6) == dt.date(2027, 5, 15)

    def row(grade: str | None, expires: dt.date | None) -> InstitutionRow:
        return InstitutionRow(1, "X", "X", "panti", "children", "community", grade, expires,
                              10, 0, 1, "3604052001")  # fmt: skip

    horizon = months_ahead(TODAY, 6)
    assert accreditation_state(row(None, None), TODAY, horizon) == "never"
    assert accreditation_state(row("A", TODAY - dt.timedelta(days=1)), TODAY, horizon) == "expired"
    assert accreditation_state(row("A", TODAY), TODAY, horizon) == "expiring"
    assert accreditation_state(row("A", horizon), TODAY, horizon) == "expiring"
    assert accreditation_state(row("A", horizon + dt.timedelta(days=1)), TODAY, horizon) == "valid"
