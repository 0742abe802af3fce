"""Name search over a common name: a bounded candidate set, paged in id order, capped total."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text
from webdata import DESA_B, WebEnv, build_env, write_batch

from terpadu.intake import import_batch
from terpadu.registry.search import NAME_MATCH_CAP
from terpadu.web.headers import CONTENT_SECURITY_POLICY


def _many_sitis(web: WebEnv, count: int, desa: str, prefix: str) -> None:
    """One family per person, every one called Siti <something>, in one desa."""
    keluarga = ["ID_KELUARGA,NO_KK,KODE_WILAYAH,ALAMAT"]
    anggota = ["ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA"]
    for i in range(count):
        keluarga.append(f"{prefix}K{i},,{desa},Kp. Uji")
        anggota.append(f"{prefix}A{i},{prefix}K{i},,Siti {prefix} Nomor {i},2,1980-01-01,1")
    k, a = write_batch(
        web.data_dir / f"many-{prefix}", "\n".join(keluarga) + "\n", "\n".join(anggota) + "\n"
    )
    import_batch(web.engine, k, a, source=f"uji-{prefix}")


def test_common_name_is_capped_and_paged_in_id_order(web: WebEnv) -> None:
    _many_sitis(web, NAME_MATCH_CAP + 30, DESA_B, "b")
    c = web.api("ver")
    first = c.get("/api/v1/search", params={"q": "siti", "limit": 100}).json()
    assert first["total"] == NAME_MATCH_CAP and first["total_exact"] is False
    seen: list[int] = []
    for offset in range(0, NAME_MATCH_CAP, 100):
        page = c.get("/api/v1/search", params={"q": "siti", "limit": 100, "offset": offset})
        items = page.json()["items"]
        assert len(items) == 100
        seen.extend(int(i["person_id"][3:]) for i in items)
    assert seen == sorted(seen) and len(set(seen)) == NAME_MATCH_CAP
    past = c.get("/api/v1/search", params={"q": "siti", "offset": NAME_MATCH_CAP}).json()
    assert past["items"] == [] and past["total"] == NAME_MATCH_CAP


def test_a_small_match_set_is_exact(web: WebEnv) -> None:
    _many_sitis(web, 30, DESA_B, "c")
    c = web.api("ver")
    every = c.get("/api/v1/search", params={"q": "siti", "limit": 100}).json()
    # 30 new Sitis in desa B and Siti Aminah of desa A.
    assert every["total"] == 31 and every["total_exact"] is True
    ids = [int(i["person_id"][3:]) for i in every["items"]]
    assert ids == sorted(ids)
    two_words = c.get("/api/v1/search", params={"q": "Siti Nomor 17"}).json()
    assert {i["nama"] for i in two_words["items"]} == {"Siti c Nomor 17"}


def test_cap_counts_only_the_callers_region(web: WebEnv) -> None:
    """The cap applies after the region filter: desa A sees its one Siti among many."""
    _many_sitis(web, NAME_MATCH_CAP + 30, DESA_B, "d")
    page = web.api("op_a").get("/api/v1/search", params={"q": "siti"}).json()
    assert [i["nama"] for i in page["items"]] == ["Siti Aminah"]
    assert page["total"] == 1 and page["total_exact"] is True


def test_security_headers_on_pages_api_and_static(web: WebEnv) -> None:
    c = web.client()
    for path in ("/masuk", "/api/v1/openapi.json", "/static/terpadu.css"):
        r = c.get(path)
        assert r.status_code == 200, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "same-origin"
        assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY.decode()
        assert "strict-transport-security" not in r.headers  # served over plain HTTP here
    assert c.get("/masuk").headers["cache-control"] == "no-store"
    assert "no-store" not in c.get("/static/terpadu.css").headers.get("cache-control", "")
    # Swagger UI loads its script from a CDN: the documentation page has no CSP.
    assert "content-security-policy" not in c.get("/api/v1/docs").headers


def test_name_rows_without_their_person_match_nothing(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    """PostgreSQL finds names through ``person_name`` and checks them on ``person``: a name
    row whose person never committed, or that disagrees with it, shows no one."""
    web = build_env(postgres_engine, tmp_path)
    with postgres_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person_name (person_id, nama) "
                "SELECT max(id) + 1000, 'Siti Hantu' FROM person"
            )
        )
        conn.execute(
            text(
                "UPDATE person_name SET nama = 'Rahmat Hidayat' WHERE person_id = "
                "(SELECT id FROM person WHERE nama = 'Joko Susilo')"
            )
        )
    c = web.api("ver")
    for query in ("hantu", "rahmat hidayat"):
        page = c.get("/api/v1/search", params={"q": query}).json()
        assert page["items"] == [] and page["total"] == 0, query
    # The other names are found as before.
    assert c.get("/api/v1/search", params={"q": "siti aminah"}).json()["total"] == 1
