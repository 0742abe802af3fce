"""Intake's messages: its own codes for rows and batches, a file's problems from terpadu.files."""

from __future__ import annotations

from terpadu import files
from terpadu.files.messages import MESSAGES as FILE_MESSAGES
from terpadu.intake.messages import MESSAGES, message


def test_a_batch_problem_has_intake_s_message() -> None:
    assert message("family_not_found", "ID_KELUARGA", "K9") == (
        "Keluarga 'K9' tidak ada di berkas keluarga kiriman ini maupun di registri."
    )


def test_a_file_problem_has_the_file_reader_s_message() -> None:
    assert message("required", "NAMA") == files.message("required", "NAMA")
    assert message("required", "NAMA") == "Kolom NAMA wajib diisi tetapi kosong."


def test_an_unknown_code_still_names_itself_the_column_and_the_value() -> None:
    assert message("no_such_code", "RT", "x") == "Masalah 'no_such_code' pada RT: 'x'."


def test_no_code_has_two_messages() -> None:
    assert not set(MESSAGES) & set(FILE_MESSAGES)
