"""The registry's name words: close spellings for the tolerant search, refreshed by new batches."""

from __future__ import annotations

from webdata import WebEnv, write_batch

from terpadu.intake import import_batch
from terpadu.registry.vocabulary import NameVocabulary


def test_words_are_the_lower_case_words_of_names(web: WebEnv) -> None:
    words = NameVocabulary(web.engine).words()
    assert {"ahmad", "bin", "salim", "siti", "aminah", "budi", "joko", "susilo"} <= set(words)
    assert words == sorted(words)


def test_alternatives_for_misspelt_exact_and_partial_words(web: WebEnv) -> None:
    vocabulary = NameVocabulary(web.engine)
    assert "ahmad" in vocabulary.alternatives("achmad")
    assert "aminah" in vocabulary.alternatives("aminna")
    assert vocabulary.alternatives("susilo")[0] == "susilo"
    # A piece of a word is kept as typed: LIKE '%sus%' finds Susilo.
    assert vocabulary.alternatives("sus") == ["sus"]
    # Too short to guess at, or like nothing in the registry.
    assert vocabulary.alternatives("xy") == []
    assert vocabulary.alternatives("wxyzq") == []


def test_a_new_batch_brings_its_words(web: WebEnv) -> None:
    vocabulary = NameVocabulary(web.engine, check_every_s=0)
    assert "wahyudi" not in vocabulary.words()
    k, a = write_batch(
        web.data_dir / "new",
        "ID_KELUARGA,NO_KK,KODE_WILAYAH\nN1,,3604052002\n",
        "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA\n"
        "N1A,N1,,Bambang Wahyudi,1,1970-05-05,1\n",
    )
    import_batch(web.engine, k, a, source="desa-baru")
    assert {"bambang", "wahyudi"} <= set(vocabulary.words())
    assert "wahyudi" in vocabulary.alternatives("wahyudy")


def test_misspelt_search_finds_the_person_in_scope_only(web: WebEnv) -> None:
    ver = web.api("ver").get("/api/v1/search", params={"q": "Joko Susilho"}).json()
    assert ver["fuzzy"] is True and [i["nama"] for i in ver["items"]] == ["Joko Susilo"]
    # Desa A's operator is told nothing about desa B's Joko, misspelt or not.
    op_a = web.api("op_a").get("/api/v1/search", params={"q": "Joko Susilho"}).json()
    assert op_a["items"] == []


def test_a_renamed_person_brings_the_new_name_words(web: WebEnv) -> None:
    vocabulary = NameVocabulary(web.engine, check_every_s=0)
    assert "susilowati" not in vocabulary.words()
    k, a = write_batch(
        web.data_dir / "rename",
        "ID_KELUARGA,NO_KK,KODE_WILAYAH\nK2,3604052001100002,3604052002\n",
        "ID_ANGGOTA,ID_KELUARGA,NIK,NAMA,JENIS_KELAMIN,TGL_LAHIR,HUB_KELUARGA\n"
        "A4,K2,3604050203900003,Joko Susilowati,1,1990-03-02,1\n",
    )
    report = import_batch(web.engine, k, a, source="desa-kramatwatu")
    assert report.persons_changed == 1
    assert "susilowati" in vocabulary.words()
    # The old words stay: they only ever widen a misspelt search.
    assert "susilo" in vocabulary.words()
