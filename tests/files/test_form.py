"""Where a file's header is."""

import pytest

from terpadu.files.form import header_row


@pytest.mark.parametrize(
    ("rows", "header"),
    [
        ([["ID", "NAMA"], ["1", "Ahmad"]], 0),
        ([["DATA"], [], ["ID", "NAMA", "NIK"], ["1", "A", "2"]], 2),
        ([["Judul", "2026"], ["ID", "NAMA", "NIK", "KK", "RT"]], 1),
        ([[], ["NIK"], ["3604051507870001"]], 1),  # one column
        ([], 0),
    ],
)
def test_header_row(rows: list[list[str]], header: int) -> None:
    assert header_row(rows) == header
