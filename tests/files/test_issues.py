"""The issue table: which rows its errors reject."""

from __future__ import annotations

import polars as pl

from terpadu.files import ISSUE_SCHEMA, ROW, error_rows


def test_only_rows_with_an_error_are_rejected_each_once() -> None:
    issues = pl.DataFrame(
        [
            (2, "NIK", "1", "error", "nik_length"),
            (2, "NAMA", "", "error", "required"),
            (3, "NIK", "x", "warning", "nik_placeholder"),
            (5, "RT", "abc", "error", "number_invalid"),
        ],
        schema=ISSUE_SCHEMA,
        orient="row",
    )
    assert sorted(error_rows(issues).to_list()) == [2, 5]
    assert error_rows(pl.DataFrame(schema=ISSUE_SCHEMA)).to_list() == []
    assert ROW in ISSUE_SCHEMA
