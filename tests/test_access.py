"""Access: who an actor is, what a role may do and see, and the import's region check."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from terpadu.access import (
    ADMIN_PROVINSI,
    ADMIN_SISTEM,
    ANALIS_PUSAT,
    AUDITOR,
    FULL_DISCLOSURE,
    MASKED_DISCLOSURE,
    OPERATOR_DESA,
    PEKERJA_SOSIAL,
    PETUGAS_SLRT,
    ROLE_REFUSED,
    ROLES,
    VERIFIKATOR_KAB,
    Actor,
    NumberLookupRefused,
    PermissionDenied,
    action_key,
    action_words,
    allows,
    covers,
    disclosure,
    mask_nik,
    require_import_region,
    show_nik,
)
from terpadu.errors import TerpaduError
from terpadu.i18n import error_words
from terpadu.locale import LANGUAGES, catalogue
from terpadu.verval import VervalError

SRC = Path(__file__).parents[1] / "src"
KELUARGA_HEADER = "ID_KELUARGA,NO_KK,KODE_WILAYAH,ALAMAT"


def _keluarga(folder: Path, *regions: str) -> Path:
    rows = [f"K{i},36040515078700{i:02d},{code},Kp. Baru" for i, code in enumerate(regions, 1)]
    path = folder / "keluarga.csv"
    path.write_text("\n".join([KELUARGA_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_an_actor_keeps_the_undotted_region_code() -> None:
    assert Actor("budi", OPERATOR_DESA, "36.04.05.2001").region == "3604052001"


@pytest.mark.parametrize("region", [None, "", "nasional"])
def test_national_roles_may_act_for_the_whole_country(region: str | None) -> None:
    assert Actor("ani", AUDITOR, region).region is None
    with pytest.raises(PermissionDenied, match="harus punya kode wilayah"):
        Actor("budi", OPERATOR_DESA, region)


@pytest.mark.parametrize(
    ("username", "role", "region", "words"),
    [
        (" ", OPERATOR_DESA, "3604052001", "Nama pengguna kosong"),
        ("budi", "lurah", "3604052001", "tidak dikenal"),
        ("budi", OPERATOR_DESA, "36.4.5", "tidak sesuai pola"),
    ],
)
def test_an_actor_that_cannot_be_is_refused_in_words(
    username: str, role: str, region: str, words: str
) -> None:
    with pytest.raises(PermissionDenied, match=words):
        Actor(username, role, region)


def test_a_refusal_is_a_domain_error_the_faces_already_catch() -> None:
    assert issubclass(PermissionDenied, TerpaduError)
    assert issubclass(PermissionDenied, VervalError)


def test_region_scope_is_the_region_and_everything_below_it() -> None:
    kab = Actor("kab", VERIFIKATOR_KAB, "3604")
    assert kab.covers("3604052001") and kab.covers("36.04")
    assert not kab.covers("3603012001") and not kab.covers(None)
    assert covers(None, "3603012001") and covers(None, None)
    kab.require_region("3604052002")
    with pytest.raises(PermissionDenied, match="di luar wilayah kerja kab"):
        kab.require_region("3603012001")


def test_a_role_outside_the_list_may_not_act() -> None:
    operator = Actor("budi", OPERATOR_DESA, "3604052001")
    operator.require_role(OPERATOR_DESA, doing="create_proposal")
    with pytest.raises(PermissionDenied, match="tidak boleh menerbitkan edisi") as refused:
        operator.require_role(ADMIN_PROVINSI, doing="publish_edition")
    assert refused.value.code == ROLE_REFUSED
    assert refused.value.data == {
        "role": OPERATOR_DESA,
        "action": "publish_edition",
        "allowed": (ADMIN_PROVINSI,),
        "details": {},
    }


def test_the_permission_table() -> None:
    registering = {OPERATOR_DESA, VERIFIKATOR_KAB, ADMIN_PROVINSI}
    full_nik = {r for r in ROLES if allows(r, "see_full_nik")}
    # The service desks match people by NIK face to face but load and propose nothing.
    assert full_nik == registering | {PETUGAS_SLRT, PEKERJA_SOSIAL}
    assert {r for r in ROLES if allows(r, "import")} == registering
    assert {r for r in ROLES if allows(r, "propose")} == {OPERATOR_DESA}
    assert {r for r in ROLES if allows(r, "read_only")} == {AUDITOR, ANALIS_PUSAT, ADMIN_SISTEM}
    assert {r for r in ROLES if allows(r, "manage_users")} == {ADMIN_PROVINSI, ADMIN_SISTEM}


@pytest.mark.parametrize(
    ("nik", "masked"),
    [
        ("3604051507870001", "3604********0001"),
        ("123456", "**3456"),
        ("12", "12"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_nik(nik: str | None, masked: str | None) -> None:
    assert mask_nik(nik) == masked


def test_a_nik_is_shown_in_full_only_to_the_roles_that_register_people() -> None:
    nik = "3604051507870001"
    assert show_nik(Actor("budi", OPERATOR_DESA, "3604052001"), nik) == nik
    assert show_nik(Actor("ani", ANALIS_PUSAT), nik) == "3604********0001"


def test_an_import_inside_the_region_passes(tmp_path: Path) -> None:
    keluarga = _keluarga(tmp_path, "3604052001", "36.04.05.2001")
    require_import_region(Actor("budi", OPERATOR_DESA, "3604052001"), keluarga)
    require_import_region(Actor("kab", VERIFIKATOR_KAB, "3604"), keluarga)


def test_an_import_with_families_outside_the_region_is_refused(tmp_path: Path) -> None:
    regions = ["3604052001", *(f"36040520{n:02d}" for n in range(2, 9))]
    keluarga = _keluarga(tmp_path, *regions)
    with pytest.raises(PermissionDenied) as refused:
        require_import_region(Actor("budi", OPERATOR_DESA, "3604052001"), keluarga)
    message = str(refused.value)
    assert "di luar wilayah kerja Anda (3604052001): 3604052002, 3604052003" in message
    assert "3604052006 …. Impor dibatalkan." in message and "3604052007" not in message


def test_a_national_actor_imports_anywhere_without_reading_the_file(tmp_path: Path) -> None:
    require_import_region(Actor("ani", AUDITOR), tmp_path / "not-there.csv")


# -- disclosure: what of a person each role sees ----------------------------------------------
def test_masked_roles_get_the_masked_disclosure_and_the_others_everything() -> None:
    assert disclosure(ANALIS_PUSAT) is MASKED_DISCLOSURE
    assert disclosure(Actor("aud", AUDITOR)) is MASKED_DISCLOSURE
    for role in (OPERATOR_DESA, VERIFIKATOR_KAB, ADMIN_PROVINSI):
        assert disclosure(role) is FULL_DISCLOSURE


def test_the_masked_disclosure_hides_what_rebuilds_a_nik() -> None:
    shown = MASKED_DISCLOSURE
    assert shown.nik("3604051507870001") == "3604********0001"
    assert shown.kk("3604052001100002") == "3604********0002"
    assert shown.birth_date(dt.date(1987, 7, 15)) == "1987"
    assert shown.birth_date("1987-07-15") == "1987"
    assert shown.region("36.04.05.2001") == "3604"
    assert shown.region("36") == "36"
    assert shown.hidden("Fatimah") is None
    assert shown.text("NIK 3604051507870001, KK 360405150787000123") == (
        "NIK 3604********0001, KK 360405150787000123"  # 18 digits: not a NIK
    )
    assert not shown.may_look_up_numbers and FULL_DISCLOSURE.may_look_up_numbers


def test_the_full_disclosure_changes_nothing() -> None:
    shown = FULL_DISCLOSURE
    assert shown.nik("3604051507870001") == "3604051507870001"
    assert shown.birth_date(dt.date(1987, 7, 15)) == "1987-07-15"
    assert shown.region("3604052001") == "3604052001"
    assert shown.record({"nama_ibu_kandung": "Fatimah"}) == {"nama_ibu_kandung": "Fatimah"}


def test_a_proposal_payload_is_masked_field_by_field_old_and_new_values_too() -> None:
    payload = {
        "entity": "person",
        "changes": {
            "nik": {"old": "3604051507870001", "new": "3604051507870009"},
            "tgl_lahir": {"old": "1987-07-01", "new": "1987-07-02"},
            "nama_ibu_kandung": {"old": None, "new": "Fatimah"},
            "pendidikan_tertinggi": {"old": 3, "new": 4},
        },
        "members": [{"NIK": "3604056512950004", "kode_wilayah": "3604052001", "nama": "Dewi"}],
        "catatan": "lihat 3604051507870001",
    }
    assert MASKED_DISCLOSURE.record(payload) == {
        "entity": "person",
        "changes": {
            "nik": {"old": "3604********0001", "new": "3604********0009"},
            "tgl_lahir": {"old": "1987", "new": "1987"},
            "nama_ibu_kandung": {"old": None, "new": None},
            "pendidikan_tertinggi": {"old": 3, "new": 4},
        },
        "members": [{"NIK": "3604********0004", "kode_wilayah": "3604", "nama": "Dewi"}],
        "catatan": "lihat 3604********0001",
    }


def test_a_table_for_a_masked_role_is_written_masked(tmp_path: Path) -> None:
    import polars as pl
    from openpyxl import load_workbook

    from terpadu.files.tables import csv_text, write_table

    frame = pl.DataFrame(
        {
            "NIK": ["3604051507870001", None, "12345"],
            "NO_KK": ["3604052001100002", "3604052001100002", None],
            "TGL_LAHIR": [dt.date(1987, 7, 15), dt.date(1990, 3, 2), None],
            "KODE_WILAYAH": ["3604052001", "36.04.05.2002", None],
            "ALAMAT": ["Kp. Baru", "Kp. Lama", None],
            "NAMA": ["Ahmad", "Joko", "Budi"],
        }
    )
    masked = MASKED_DISCLOSURE.frame(frame)
    assert masked.to_dicts()[0] == {
        "NIK": "3604********0001",
        "NO_KK": "3604********0002",
        "TGL_LAHIR": "1987",
        "KODE_WILAYAH": "3604",
        "ALAMAT": None,
        "NAMA": "Ahmad",
    }
    assert masked["NIK"].to_list()[1:] == [None, "*2345"]
    assert masked["KODE_WILAYAH"].to_list()[1] == "3604"
    assert FULL_DISCLOSURE.frame(frame) is frame
    assert "3604051507870001" not in csv_text(frame, shown=MASKED_DISCLOSURE)
    book = write_table(frame, tmp_path / "x.xlsx", shown=MASKED_DISCLOSURE)
    cells = {c for row in load_workbook(book).active.iter_rows(values_only=True) for c in row}
    assert "3604********0001" in cells and "3604051507870001" not in cells
    assert "Kp. Baru" not in cells and "1987" in cells


def test_a_full_nik_search_is_refused_in_words() -> None:
    error = NumberLookupRefused()
    assert isinstance(error, TerpaduError) and error.code == "number_lookup_refused"
    assert "NIK" in str(error)


def test_require_names_the_roles_holding_a_permission() -> None:
    Actor("p", ADMIN_PROVINSI, "36").require("publish", doing="publish_edition")
    with pytest.raises(PermissionDenied, match="tidak boleh menerbitkan edisi; hanya admin prov"):
        Actor("v", VERIFIKATOR_KAB, "3604").require("publish", doing="publish_edition")
    with pytest.raises(PermissionDenied, match="admin sistem tidak boleh menjalankan 'rank'"):
        Actor("root", ADMIN_SISTEM).require("run_jobs", doing="run_command", command="rank")


def test_a_refusal_is_worded_in_the_readers_language() -> None:
    with pytest.raises(PermissionDenied) as refused:
        Actor("root", ADMIN_SISTEM).require("run_jobs", doing="run_command", command="rank")
    # str() stays Bahasa Indonesia for the logs; the faces ask for the reader's language.
    assert str(refused.value) == error_words(refused.value, "id")
    assert error_words(refused.value, "en") == (
        "The role system administrator may not run 'rank'; "
        "only province administrator, district verifier."
    )


def test_an_action_passed_as_its_bahasa_words_is_still_worded() -> None:
    assert action_key("membuka kasus") == "open_case"
    assert action_words("membuka kasus", "en") == "open a case"
    # Words no entry holds stay as they were given.
    assert action_key("terbang") is None and action_words("terbang", "en") == "terbang"


def _doing_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and any(k.arg == "doing" for k in node.keywords):
                calls.append((f"{path.relative_to(SRC)}:{node.lineno}", node))
    return calls


def test_every_refused_action_in_the_code_is_in_the_catalogue() -> None:
    calls = _doing_calls()
    assert len(calls) > 20  # the walk found the call sites
    for where, call in calls:
        if where.startswith("terpadu/access.py"):
            continue  # require passes its own doing on
        keywords = {k.arg: k.value for k in call.keywords}
        doing = keywords.pop("doing")
        assert isinstance(doing, ast.Constant) and isinstance(doing.value, str), where
        key = action_key(doing.value)
        assert key is not None, f"{where}: '{doing.value}' is not in actions.yaml"
        # Every placeholder of its words is given at the call site.
        details = {str(name): "x" for name in keywords}
        for language in LANGUAGES:
            catalogue()[f"actions.{key}"][language].format(**details)
