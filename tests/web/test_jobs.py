"""Background work started from a page: start → progress → result, a job left running by a
dead server shown as interrupted, failures in words with what to do, region scope, audit,
and the retention sweep of old job folders."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import text
from test_reconcile_page import DUKCAPIL
from webdata import PASSWORD, WebEnv

from terpadu.accounts.users import create_user
from terpadu.retention import purge_kept_data
from terpadu.web import jobs


def _runs(web: WebEnv, kind: str) -> Path:
    return web.app.state.terpadu.settings.data_dir / "web-runs" / kind


def _state(web: WebEnv, kind: str, token: str) -> dict[str, Any]:
    return dict(json.loads((_runs(web, kind) / token / jobs.STATE_FILE).read_text()))


def test_job_started_reports_progress_then_result(web: WebEnv) -> None:
    client, csrf = web.page("ver")
    held: list[Any] = []
    web.app.state.terpadu.import_runner = held.append  # the work waits until released
    r = client.post(
        "/rekonsiliasi/dukcapil",
        data={"csrf_token": csrf},
        files={"extract": ("dukcapil.csv", DUKCAPIL.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    where = r.headers["location"]
    token = where.rsplit("/", 1)[1]
    waiting = client.get(where + "?lang=id")
    assert waiting.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in waiting.text
    assert "menunggu" in waiting.text and "Langkah 0 dari 3" in waiting.text
    assert "dukcapil.csv" in waiting.text  # listed among past runs

    (work,) = held
    work()
    done = client.get(where + "?lang=en")
    assert 'http-equiv="refresh"' not in done.text
    assert "finished" in done.text and "Step 3 of 3" in done.text
    assert re.search(r'href="/rekonsiliasi/dukcapil/\d+"', done.text)
    assert _state(web, "dukcapil", token)["status"] == "done"
    assert not (_runs(web, "dukcapil") / token / "unggahan").exists()  # upload removed
    with web.engine.connect() as conn:
        events = conn.execute(
            text("SELECT action, actor, region FROM audit_event WHERE entity = 'web_job'")
        ).all()
    assert [tuple(e) for e in events] == [
        ("job.start", "ver", "3604"),
        ("job.end", "ver", "3604"),
    ]
    auditor, _ = web.page("aud")
    viewer = auditor.get("/audit?lang=id").text
    assert "Pekerjaan latar dimulai" in viewer and "Pekerjaan latar berakhir" in viewer
    assert "status pekerjaan" in viewer and "Pemeriksaan Dukcapil" in viewer


def test_job_left_running_by_a_dead_server_is_interrupted(web: WebEnv) -> None:
    client, csrf = web.page("ver")
    held: list[Any] = []
    web.app.state.terpadu.import_runner = held.append
    r = client.post(
        "/rekonsiliasi/pembayaran",
        data={"csrf_token": csrf},
        files={"penyaluran": ("bank.csv", b"PROGRAM,NIK\n", "text/csv")},
        follow_redirects=False,
    )
    where = r.headers["location"]
    token = where.rsplit("/", 1)[1]
    assert "sedang berjalan" not in client.get(where + "?lang=id").text  # still waiting
    # The server that ran it is gone: the same pid after a restart, another boot.
    state = _state(web, "pembayaran", token) | {"status": "running", "boot": "old"}
    (_runs(web, "pembayaran") / token / jobs.STATE_FILE).write_text(json.dumps(state))
    page = client.get(where + "?lang=id")
    assert "terhenti" in page.text and "server dihentikan" in page.text
    assert "Yang perlu dilakukan" in page.text and 'http-equiv="refresh"' not in page.text
    assert _state(web, "pembayaran", token)["status"] == "interrupted"


def test_failure_said_in_words_with_what_to_do(web: WebEnv) -> None:
    client, csrf = web.page("ver")
    r = client.post(
        "/rekonsiliasi/dukcapil",
        data={"csrf_token": csrf},
        files={"extract": ("kosong.csv", b"KOLOM_LAIN\nx\n", "text/csv")},
    )
    assert r.status_code == 200
    assert "gagal" in r.text and "Yang perlu dilakukan" in r.text
    assert "kolom NIK dan NAMA wajib ada" in r.text
    assert "Traceback" not in r.text


def test_check_touches_only_the_uploaders_region(web: WebEnv) -> None:
    create_user(web.engine, "ver_lain", PASSWORD, role="verifikator_kab", region="3201")
    client, csrf = web.page("ver_lain")
    started = client.post(
        "/rekonsiliasi/dukcapil",
        data={"csrf_token": csrf},
        files={"extract": ("dukcapil.csv", DUKCAPIL.encode(), "text/csv")},
        follow_redirects=False,
    )
    where = started.headers["location"]
    r = client.get(where + "?lang=id")
    assert r.status_code == 200
    # Every row names a person registered in 3604: refused, with the reason.
    assert "Baris yang ditolak (3)" in r.text
    assert "terdaftar di wilayah 3604052001, di luar wilayah kerja Anda (3201)" in r.text
    with web.engine.connect() as conn:
        drafts = conn.execute(text("SELECT count(*) FROM proposal")).scalar_one()
        results = conn.execute(text("SELECT count(*) FROM dukcapil_result")).scalar_one()
    assert drafts == 0 and results == 0  # nobody in 3604 touched
    # The kab/kota's own verifier's check raises the draft for Siti, in its region.
    own, own_csrf = web.page("ver")
    own.post(
        "/rekonsiliasi/dukcapil",
        data={"csrf_token": own_csrf},
        files={"extract": ("dukcapil.csv", DUKCAPIL.encode(), "text/csv")},
    )
    with web.engine.connect() as conn:
        regions = conn.execute(text("SELECT kode_wilayah FROM proposal")).scalars().all()
    assert regions and all(code.startswith("3604") for code in regions)
    # The other kab/kota's run is neither listed to nor opened by the 3604 verifier.
    assert where not in own.get("/rekonsiliasi/dukcapil").text
    assert own.get(where).status_code == 404


def test_old_job_folders_swept_by_retention(web: WebEnv) -> None:
    client, csrf = web.page("ver")
    r = client.post(
        "/rekonsiliasi/dukcapil",
        data={"csrf_token": csrf},
        files={"extract": ("dukcapil.csv", DUKCAPIL.encode(), "text/csv")},
        follow_redirects=False,
    )
    token = r.headers["location"].rsplit("/", 1)[1]
    folder = _runs(web, "dukcapil") / token
    assert (folder / "ditolak.parquet").exists()
    settings = web.app.state.terpadu.settings
    kept = purge_kept_data(
        web.engine, days=30, web_imports_dir=settings.web_imports_dir,
        scratch_dir=settings.scratch_dir, actor="adm",
    )  # fmt: skip
    assert folder.exists() and str(folder) not in kept.folders_removed
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    swept = purge_kept_data(
        web.engine, days=30, web_imports_dir=settings.web_imports_dir,
        scratch_dir=settings.scratch_dir, actor="adm", now=later,
    )  # fmt: skip
    assert str(folder) in swept.folders_removed and not folder.exists()
    assert client.get(r.headers["location"]).status_code == 404


def test_refused_rows_frame_keeps_the_file_row(web: WebEnv, tmp_path: Path) -> None:
    from terpadu.web.dukcapil_scope import split_extract

    extract = tmp_path / "d.csv"
    extract.write_text(
        "NIK,NAMA,KODE_WILAYAH\n3604051507870001,AHMAD,\n3201010101800001,ORANG LUAR,3201010001\n"
    )
    split = split_extract(web.engine, extract, "3604")
    assert split.refused.select("BARIS", "ALASAN", "KODE").rows() == [(3, "code", "3201010001")]
    assert pl.read_csv(split.kept, infer_schema=False)["NIK"].to_list() == ["3604051507870001"]


def test_unexpected_error_fails_in_both_languages_and_scope_holds(
    web: WebEnv, tmp_path: Path
) -> None:
    from terpadu.accounts.users import WebUser

    user = WebUser(id=1, username="ver", role="verifikator_kab", region="3604")

    def work(progress: jobs.Progress, folder: Path) -> dict[str, Any]:
        progress.step("jobs.stage.reading")
        raise RuntimeError("disk penuh")

    token = jobs.start(
        web.engine, tmp_path, "simulasi", user, work, steps=2, label="uji", runner=lambda w: w()
    )
    job = jobs.get(tmp_path, "simulasi", token, user)
    assert job is not None and job.status == "failed" and job.state["step"] == 1
    assert "RuntimeError: disk penuh" in job.state["message"]["id"]
    assert job.state["message"]["en"].startswith("an unexpected error")
    desa = WebUser(id=2, username="op_a", role="operator_desa", region="3604052001")
    other_kab = WebUser(id=3, username="lain", role="verifikator_kab", region="3201")
    national = WebUser(id=4, username="ana", role="analis_pusat", region=None)
    assert jobs.get(tmp_path, "simulasi", token, desa) is None  # a narrower region
    assert jobs.get(tmp_path, "simulasi", token, other_kab) is None
    assert jobs.get(tmp_path, "simulasi", token, national) is not None
    assert jobs.get(tmp_path, "simulasi", "../../etc", user) is None
    assert jobs.get(tmp_path, "pembayaran", token, user) is None  # another kind's page


def test_job_of_a_dead_process_is_interrupted(web: WebEnv, tmp_path: Path) -> None:
    from terpadu.accounts.users import WebUser

    user = WebUser(id=1, username="ver", role="verifikator_kab", region="3604")
    token = jobs.start(
        web.engine, tmp_path, "simulasi", user, lambda p, f: {}, steps=1, label="uji",
        runner=lambda w: None,  # never run: left queued
    )  # fmt: skip
    gone = subprocess.Popen(["true"])
    gone.wait()
    folder = tmp_path / "simulasi" / token
    state = json.loads((folder / jobs.STATE_FILE).read_text()) | {"pid": gone.pid}
    (folder / jobs.STATE_FILE).write_text(json.dumps(state))
    (job,) = jobs.past(tmp_path, "simulasi", user)
    assert job.status == "interrupted"
    assert jobs.ended_before(folder, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5))
