"""The domain's error base and its words: codes and data in, words per language out."""

import pytest

from terpadu.cli.errors import error_line
from terpadu.errors import TerpaduError
from terpadu.i18n import CLI_HINTS, ERRORS, cli_hint, error_words
from terpadu.linkage import LinkageError
from terpadu.targeting import TargetingError
from terpadu.verval.errors import ConflictError, InvalidProposal, VervalError
from terpadu.welfare import ModelNotFound, NoRanking


def test_a_coded_error_takes_its_words_from_the_catalogue() -> None:
    error = NoRanking(region="3604")
    assert error.code == "welfare_not_ranked" and error.data == {"region": "3604"}
    assert str(error) == "tidak ada keluarga berperingkat di wilayah '3604'"
    assert error_words(error, "en") == "no ranked family in region '3604'"
    assert isinstance(error, TerpaduError) and isinstance(error, LookupError)


def test_the_domain_never_names_a_command_but_the_cli_does() -> None:
    for error in (
        NoRanking(region="36"),
        TargetingError(code="targeting_not_ranked"),
        TargetingError(code="allocation_not_ranked"),
        ModelNotFound(code="no_pmt_model", folder="/data/models"),
        LinkageError(code="not_linked", target="A-1"),
    ):
        assert "terpadu" not in str(error)
        assert "terpadu" not in error_words(error, "en")
        assert error_line(error).startswith(str(error) + "; ")
        assert "'terpadu " in error_line(error)
    assert cli_hint(NoRanking(region="36"), "en") == "run 'terpadu rank' first"
    assert error_line(TargetingError(code="targeting_not_ranked")) == (
        "Belum ada peringkat kesejahteraan; jalankan 'terpadu rank' dulu"
    )


def test_free_text_messages_stay_as_the_raise_site_wrote_them() -> None:
    error = InvalidProposal("Kolom NAMA wajib diisi.")
    assert error.code == "invalid_proposal" and error.data == {}
    assert error_words(error, "en") == "Kolom NAMA wajib diisi."
    assert error_line(error) == "Kolom NAMA wajib diisi."
    assert isinstance(error, VervalError)


def test_a_conflict_keeps_its_entity_and_default_words() -> None:
    error = ConflictError(entity="person", entity_id=7)
    assert (error.entity, error.entity_id) == ("person", 7)
    assert error.data == {"entity": "person", "entity_id": 7}
    assert str(error).startswith("Data keluarga ini sudah diubah oleh pengguna lain")
    assert error_words(error, "en").startswith("Another user changed")


@pytest.mark.parametrize("code", sorted(ERRORS))
def test_every_catalogued_message_speaks_both_languages(code: str) -> None:
    assert set(ERRORS[code]) == {"id", "en"}
    assert code not in CLI_HINTS or set(CLI_HINTS[code]) == {"id", "en"}
    assert "terpadu " not in ERRORS[code]["id"] + ERRORS[code]["en"]


def test_every_hint_belongs_to_a_catalogued_code() -> None:
    assert set(CLI_HINTS) <= set(ERRORS)


def test_the_areas_file_and_configuration_errors_are_domain_errors() -> None:
    from terpadu.files import InputFileError
    from terpadu.targeting.catalogue import ProgramConfigError
    from terpadu.targeting.quota import QuotaFileError
    from terpadu.welfare.deprivation import DeprivationConfigError

    program = ProgramConfigError("pkh.yaml", 3, "kuota harus angka")
    assert isinstance(program, TerpaduError) and isinstance(program, ValueError)
    assert str(program) == "pkh.yaml:3: kuota harus angka"
    assert program.code == "program_config"
    assert program.data == {"path": "pkh.yaml", "line": 3, "reason": "kuota harus angka"}
    for error in (
        InputFileError("a.csv: berkas kosong"),
        QuotaFileError("baris 2: kode wilayah kosong"),
        DeprivationConfigError("dimensi.yaml:4: bobot negatif"),
    ):
        assert isinstance(error, TerpaduError)
        assert error_words(error) == str(error)  # free text stays as written
