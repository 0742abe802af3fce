"""Phrases: words decided in the core and said in each reader's language."""

from __future__ import annotations

from terpadu.locale import Count, Phrase


def test_a_phrase_says_its_values_the_language_s_way() -> None:
    phrase = Phrase.of(
        "console.explain.desil_values",
        desil=2,
        source=Phrase.of("console.explain.desil_national"),
        pmt=13.6862,
        deprivation=None,
    )
    assert phrase.say("id") == (
        "desil = 2 (desil nasional DTSEN), skor PMT = 13,6862, skor deprivasi = kosong"
    )
    assert phrase.say("en") == (
        "desil = 2 (national DTSEN desil), PMT score = 13.6862, deprivation score = empty"
    )


def test_counts_are_grouped_and_written_words_stay() -> None:
    held = Phrase.of("console.target.outside_quota", n=Count(1613))
    assert held.say("id").startswith("1.613 keluarga") and held.say("en").startswith("1,613 ")
    assert Phrase.as_written("Ada balita").say("en") == "Ada balita"
