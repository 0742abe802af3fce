"""The explanation's rules, values and fixes are phrases each face says in its language."""

from __future__ import annotations

import re

from terpadu.targeting.catalogue import load_catalogue
from terpadu.targeting.explain import rule_checks
from terpadu.targeting.holds import fix_phrases, fixes

PKH = load_catalogue().get("pkh")
# A PKH family held twice over: no one alive, no NIK, a member counted elsewhere.
ROW = {
    "status_keluarga": "aktif",
    "desil": 2,
    "sumber_desil": "nasional",
    "desil_relatif": 5,
    "pmt_score": 13.6862,
    "skor_deprivasi": None,
    "jumlah_anggota": 0,
    "n_asn_tni_polri": 0,
    "nik_penerima": None,
    "nama_penerima": "Siti",
    "alasan": "meninggal;anggota_ganda;tanpa_nik",
    "anggota_ganda": "Anak (NIK 3604011234560001) dihitung di KLG0000000009",
    "n_komponen_pkh": 1,
}
# Words of Bahasa Indonesia that no English explanation may hold.
INDONESIAN = re.compile(
    r"\b(keluarga|aktif|anggota|tidak|kosong|hidup|penerima|bukan|dihitung|desil relatif|"
    r"skor|belum|rekam|usulkan|dan|yang|di)\b",
    re.IGNORECASE,
)


def test_rules_and_values_speak_english_on_request() -> None:
    checks = rule_checks(PKH, ROW)
    for check in checks:
        if check.rule_words.key is None:
            continue  # a condition's label is the programme file's own words
        words = f"{check.rule_in('en')}: {check.value_in('en')}"
        assert not INDONESIAN.search(words), words
    said = {c.rule_in("en"): c.value_in("en") for c in checks}
    assert said["the family is active"] == "active"
    assert said["not: no active member is alive"] == "active members alive = 0"
    assert said["not: the recipient has no NIK yet"] == "recipient's NIK empty"
    assert "13.6862" in said["desil 1-4"] and "registry-relative desil = 5" in said["desil 1-4"]
    double = said["recipient and components counted in this family (not twice)"]
    assert double == "Anak (NIK 3604011234560001) counted in KLG0000000009"
    passed = {c.rule_in("en"): c.passed for c in checks}
    assert not passed["not: no active member is alive"] and passed["the family is active"]


def test_rules_keep_their_bahasa_words_and_decimal_comma() -> None:
    said = {c.rule: c.value for c in rule_checks(PKH, ROW)}
    assert said["bukan: tidak ada anggota aktif yang masih hidup"] == (
        "anggota aktif yang hidup = 0"
    )
    assert (
        "skor PMT = 13,6862" in said["desil 1-4"]
        and "skor deprivasi = kosong" in (said["desil 1-4"])
    )


def test_fixes_in_both_languages() -> None:
    english = [p.say("en") for p in fix_phrases(ROW)]
    assert len(english) == 2 and not any(INDONESIAN.search(f) for f in english), english
    assert "KLG0000000009" in english[0] and "Siti" in english[1]
    assert fixes(ROW)[1].startswith("Penerima Siti belum punya NIK")
