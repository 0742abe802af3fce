"""Domain errors reach web users in the page's language, worded from their code and data."""

from __future__ import annotations

from webdata import WebEnv

from terpadu.periods import InvalidPeriod

NOT_RANKED_ID = "tidak ada keluarga berperingkat di wilayah '3604'"
NOT_RANKED_EN = "no ranked family in region '3604'"


def test_api_words_a_domain_error_in_the_asked_language(web: WebEnv) -> None:
    api = web.api("ver")
    default = api.get("/api/v1/reports/poverty", params={"region": "3604"})
    assert default.status_code == 404
    assert default.json()["error"] == {
        "code": "no_ranking",
        "message": NOT_RANKED_ID,
        "details": None,
    }
    by_query = api.get("/api/v1/reports/poverty", params={"region": "3604", "lang": "en"})
    by_header = api.get(
        "/api/v1/reports/poverty",
        params={"region": "3604"},
        headers={"Accept-Language": "en-US,en;q=0.9"},
    )
    for r in (by_query, by_header):
        assert r.status_code == 404
        assert r.json()["error"]["message"] == NOT_RANKED_EN
    indonesian = api.get(
        "/api/v1/reports/poverty", params={"region": "3604"}, headers={"Accept-Language": "id"}
    )
    assert indonesian.json()["error"]["message"] == NOT_RANKED_ID


def test_page_shows_a_domain_error_in_the_page_language(web: WebEnv) -> None:
    client, _ = web.page("ver")
    english = client.get("/laporan", params={"wilayah": "3604", "lang": "en"})
    assert english.status_code == 200
    assert "no ranked family in region &#39;3604&#39;" in english.text
    indonesian = client.get("/laporan", params={"wilayah": "3604", "lang": "id"})
    assert "tidak ada keluarga berperingkat di wilayah &#39;3604&#39;" in indonesian.text


def test_a_domain_error_no_route_caught_is_answered_with_its_code_and_words(web: WebEnv) -> None:
    @web.app.get("/api/v1/_test/period")
    def refuse() -> None:
        raise InvalidPeriod("2026-13")

    @web.app.get("/_test/period")
    def refuse_page() -> None:
        raise InvalidPeriod("2026-13")

    client = web.client()
    r = client.get("/api/v1/_test/period", params={"lang": "en"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_period"
    assert r.json()["error"]["message"].startswith("Period '2026-13' is not valid")
    r = client.get("/api/v1/_test/period")
    assert r.json()["error"]["message"].startswith("Periode '2026-13' tidak sah")
    client.cookies.set("terpadu_lang", "en")
    page = client.get("/_test/period")
    assert page.status_code == 400
    assert "Period &#39;2026-13&#39; is not valid" in page.text
