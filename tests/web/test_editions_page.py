"""The editions page: list, publish (admin provinsi only, audited), and the diff of two
editions within the reader's region, masked for the reader's role, with CSV and XLSX."""

from __future__ import annotations

import io

import openpyxl
import polars as pl
from sqlalchemy import text
from webdata import DESA_A, DESA_B, WebEnv

from terpadu.access import Actor
from terpadu.verval import create_proposal
from terpadu.verval.decisions import approve, submit, verify

OP_A = Actor("op_a", "operator_desa", DESA_A)
OP_B = Actor("op_b", "operator_desa", DESA_B)
VER = Actor("ver", "verifikator_kab", "3604")
ADM = Actor("adm", "admin_provinsi", "36")


def _approved(web: WebEnv, operator: Actor, kind: str, **kw: object) -> int:
    config = web.app.state.terpadu.workflow()
    pid = create_proposal(web.engine, operator, kind, **kw)  # type: ignore[arg-type]
    submit(web.engine, operator, pid, config=config)
    verify(web.engine, VER, pid, config=config)
    approve(web.engine, ADM, pid, config=config)
    return pid


def _publish(web: WebEnv, period: str) -> None:
    client, csrf = web.page("adm")
    r = client.post(
        "/edisi", data={"csrf_token": csrf, "period": period, "note": "SK 1"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith(f"/edisi?terbit={period}")


def _two_editions(web: WebEnv) -> None:
    _publish(web, "2026-10")
    _approved(web, OP_A, "correct", family_id=web.families["K1"], values={"alamat": "Kp. Anyar"})
    _approved(web, OP_B, "deactivate", family_id=web.families["K2"], reason="pindah")
    _publish(web, "2026-11")


def test_publish_is_for_the_province_admin_and_audited(web: WebEnv) -> None:
    client, csrf = web.page("op_a")
    page = client.get("/edisi")
    assert page.status_code == 200
    assert 'action="/edisi"' not in page.text  # no publish form for an operator
    refused = client.post("/edisi", data={"csrf_token": csrf, "period": "2026-10"})
    assert refused.status_code == 403

    _publish(web, "2026-10")
    admin, csrf = web.page("adm")
    listed = admin.get("/edisi")
    assert "2026-10" in listed.text and "SK 1" in listed.text
    assert "<thead>" in listed.text
    with web.engine.connect() as conn:
        event = conn.execute(
            text("SELECT actor FROM audit_event WHERE action = 'edition.publish'")
        ).scalar_one()
    assert event == "adm"

    # Twice, or with no period: the form again with what was typed and the reason beside it.
    again = admin.post("/edisi", data={"csrf_token": csrf, "period": "2026-10", "note": "ulang"})
    assert again.status_code == 400
    assert 'id="period-error"' in again.text and 'value="ulang"' in again.text
    blank = admin.post("/edisi", data={"csrf_token": csrf, "period": " "})
    assert blank.status_code == 400 and "Isi periode" in blank.text


def test_diff_is_region_scoped_and_masked(web: WebEnv) -> None:
    _two_editions(web)
    k1, k2 = web.family("K1"), web.family("K2")

    op_a, _ = web.page("op_a")
    own = op_a.get("/edisi/2026-10/beda/2026-11")
    assert own.status_code == 200
    assert k1 in own.text and k2 not in own.text  # desa B's change is not desa A's to see
    assert "diubah" in own.text

    ver, _ = web.page("ver")
    both = ver.get("/edisi/2026-10/beda/2026-11?lang=en")
    assert k1 in both.text and k2 in both.text
    assert "removed" in both.text and "dihapus" not in both.text

    # The compare form (a plain GET) lands on the diff's address.
    chosen = ver.get("/edisi/beda", params={"a": "2026-10", "b": "2026-11"}, follow_redirects=False)
    assert chosen.headers["location"] == "/edisi/2026-10/beda/2026-11"

    aud, _ = web.page("aud")
    csv = aud.get("/edisi/2026-10/beda/2026-11/unduh.csv")
    frame = pl.read_csv(csv.content, infer_schema=False)
    assert set(frame["KODE_WILAYAH"].to_list()) == {"3604"}  # kab/kota only for the auditor

    xlsx = ver.get("/edisi/2026-10/beda/2026-11/unduh.xlsx")
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    header = [c.value for c in sheet[1]]
    region = sheet.cell(row=2, column=header.index("KODE_WILAYAH") + 1)
    assert region.data_type == "s" and str(region.value).startswith("3604")

    missing = ver.get("/edisi/2026-10/beda/2030-01")
    assert missing.status_code == 404


def test_a_masked_reader_sees_personal_changes_masked() -> None:
    from terpadu.access import FULL_DISCLOSURE, MASKED_DISCLOSURE
    from terpadu.verval.diff import masked_detail

    detail = "tgl_lahir: 1987-07-15 → 1987-07-02; alamat: Kp. Baru; RT 1 → Kp. Anyar; nama: A → B"
    columns = "tgl_lahir;alamat;nama"
    assert masked_detail(detail, columns, MASKED_DISCLOSURE) == (
        "tgl_lahir: 1987 → 1987; alamat: - → -; nama: A → B"
    )
    assert masked_detail(detail, columns, FULL_DISCLOSURE) == detail
    assert masked_detail("nik: 3604051507870001 → 3604051507870009", "nik", MASKED_DISCLOSURE) == (
        "nik: 3604********0001 → 3604********0009"
    )
