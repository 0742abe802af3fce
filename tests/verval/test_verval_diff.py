import datetime as dt
import os
import stat
import sys
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parent))
from verval_helpers import CONFIG, DESA, KAB, OPERATOR, OPERATOR_2, PROV, load_registry

from terpadu.audit import verify_chain
from terpadu.editions import (
    EditionExists,
    current_edition,
    edition_path,
    list_editions,
    publish_edition,
)
from terpadu.store.ids import family_code, person_code
from terpadu.verval import create_proposal, diff_editions, updating_indicator
from terpadu.verval.decisions import approve, submit, verify


def _approved(engine: Engine, operator: object, kind: str, **kw: object) -> int:
    pid = create_proposal(engine, operator, kind, **kw)  # type: ignore[arg-type]
    submit(engine, operator, pid, config=CONFIG)  # type: ignore[arg-type]
    verify(engine, KAB, pid, config=CONFIG)
    approve(engine, PROV, pid, config=CONFIG)
    return pid


def test_publish_once_and_diff_with_reasons(engine: Engine, tmp_path: Path) -> None:
    ids = load_registry(engine, tmp_path)
    root = tmp_path / "editions"
    first = publish_edition(engine, "2026-10", actor="pusdatin", editions_dir=root)
    assert first.row_counts == {"families": 2, "persons": 4, "memberships": 4}
    assert edition_path(engine, "2026-10") == (root / "2026-10").resolve()
    assert not os.stat(first.path / "families.parquet").st_mode & stat.S_IWUSR
    with pytest.raises(EditionExists, match="sudah diterbitkan"):
        publish_edition(engine, "2026-10", editions_dir=root)

    fix = _approved(
        engine, OPERATOR, "correct", family_id=ids["K1"], values={"alamat": "Kp. Anyar"}
    )
    gone = _approved(engine, OPERATOR_2, "deactivate", family_id=ids["K2"], reason="pindah")
    born = _approved(
        engine,
        OPERATOR,
        "add_member",
        family_id=ids["K1"],
        values={"nama": "Bayi", "tgl_lahir": "2026-10-30", "hub_keluarga": "3"},
    )
    second = publish_edition(engine, "2026-11", editions_dir=root)
    assert current_edition(engine) == second
    assert [e.period for e in list_editions(engine)] == ["2026-10", "2026-11"]

    diff = diff_editions(engine, "2026-10", "2026-11")
    rows = {(r["ID"], r["PERUBAHAN"]): r for r in diff.iter_rows(named=True)}
    k1 = rows[(family_code(ids["K1"]), "diubah")]
    assert k1["KOLOM"] == "alamat" and f"usulan #{fix}" in k1["ALASAN"]
    k2 = rows[(family_code(ids["K2"]), "dihapus")]
    assert f"usulan #{gone}" in k2["ALASAN"] and "pindah" in k2["ALASAN"]
    added = diff.filter((pl.col("ENTITAS") == "anggota") & (pl.col("PERUBAHAN") == "ditambah"))
    assert added.height == 1 and f"usulan #{born}" in added["ALASAN"][0]
    assert added["KODE_WILAYAH"][0] == DESA
    assert person_code(ids["A1"]) not in diff["ID"].to_list()
    assert verify_chain(engine).ok  # the editions' anchors still match the chain

    # The same diff for an English reader: the same rows, the reasons in English words.
    english = diff_editions(engine, "2026-10", "2026-11", "en")
    assert english.select("ID", "PERUBAHAN").equals(diff.select("ID", "PERUBAHAN"))
    k2_en = english.filter(pl.col("ID") == family_code(ids["K2"]))
    assert k2_en["ALASAN"][0].startswith(
        f"status inactive (moved away): usulan #{gone} (deactivate: moved away) approved by "
    )
    assert "status: active → inactive" in k2_en["RINCIAN"][0]
    said = " ".join(english["ALASAN"].to_list() + english["RINCIAN"].to_list())
    for word in ("disetujui", "pindah", "diubah", "dibuat", "aktif", "oleh", "tidak"):
        assert f" {word} " not in f" {said} ", word


def test_indicator_counts_desa_and_kab_with_approved_updates(
    engine: Engine, tmp_path: Path
) -> None:
    ids = load_registry(engine, tmp_path)
    _approved(engine, OPERATOR, "correct", family_id=ids["K1"], values={"rt": "004"})
    pending = create_proposal(
        engine, OPERATOR_2, "correct", family_id=ids["K2"], values={"rt": "4"}
    )
    submit(engine, OPERATOR_2, pending, config=CONFIG)
    period = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    frame = updating_indicator(engine, period)
    banten = frame.filter(pl.col("KODE_PROVINSI") == "36").row(0, named=True)
    assert banten["DESA_MEMPERBARUI"] == 1 and banten["KAB_KOTA_MEMPERBARUI"] == 1
    assert banten["JUMLAH_DESA"] > 1000 and banten["JUMLAH_KAB_KOTA"] == 8
    assert banten["PERSEN_KAB_KOTA"] == 12.5
    total = frame.filter(pl.col("KODE_PROVINSI") == "").row(0, named=True)
    assert total["DESA_MEMPERBARUI"] == 1 and total["JUMLAH_DESA"] > 80_000
    jabar = frame.filter(pl.col("KODE_PROVINSI") == "32").row(0, named=True)
    assert jabar["PERSEN_DESA"] == 0.0
    assert updating_indicator(engine, "2020-01", province="36")["DESA_MEMPERBARUI"].to_list() == [0]


def test_a_diff_as_a_masked_reader_sees_it_hides_personal_old_and_new_values() -> None:
    from terpadu.access import FULL_DISCLOSURE, MASKED_DISCLOSURE
    from terpadu.verval.diff import diff_as_seen

    frame = pl.DataFrame(
        {
            "ENTITAS": ["anggota"],
            "ID": ["ORG0000000001"],
            "NIK": ["3604051507870001"],
            "KODE_WILAYAH": ["3604052001"],
            "PERUBAHAN": ["berubah"],
            "KOLOM": ["tgl_lahir;nama_ibu_kandung"],
            "RINCIAN": ["tgl_lahir: 1987-07-15 → 1987-07-16; nama_ibu_kandung: Aminah → Siti"],
            "ALASAN": ["usulan #1"],
        }
    )
    seen = diff_as_seen(frame, MASKED_DISCLOSURE).row(0, named=True)
    assert "1987-07-15" not in seen["RINCIAN"] and "Aminah" not in seen["RINCIAN"]
    assert seen["NIK"] != "3604051507870001"
    assert diff_as_seen(frame, FULL_DISCLOSURE).equals(frame)
