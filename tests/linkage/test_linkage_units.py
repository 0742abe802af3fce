"""Pure parts of linkage: preparation, variant folding, constrained clustering, golden records."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from terpadu.linkage.cluster import cluster_pairs
from terpadu.linkage.golden import golden_records
from terpadu.linkage.prepare import prepare_records
from terpadu.linkage.variants import variant_key


def test_prepare_decodes_nik_and_swaps_day_and_month() -> None:
    frame = prepare_records(
        pl.DataFrame(
            {
                "unique_id": [1, 2],
                "nik": ["3604054107870002", None],
                "nama": ["Hj. Siti Aminah, S.Pd.", "M. Yusuf"],
                "tgl_lahir": ["1987-07-01", "1990-03-02"],
                "desa": ["3604052001", "3604052002"],
            }
        ),
        dt.date(2025, 7, 1),
    )
    first, second = frame.row(0, named=True), frame.row(1, named=True)
    assert first["nik_dob"] == "1987-07-01" and first["nik_sex"] == 2 and first["sex"] == 2
    assert first["dob_swap"] == "1987-01-07" and first["name_norm"] == "SITI AMINAH"
    assert first["kec"] == "360405" and first["kab"] == "3604"
    assert second["nik_dob"] is None and second["name_norm"] == "MUHAMMAD YUSUF"


def test_variant_families_share_a_key() -> None:
    assert variant_key("SOEKARNO") == variant_key("SUKARNO")
    assert variant_key("DJOKO TJIPTO") == variant_key("CIPTO JOKO")
    assert variant_key("ACHMAD") == variant_key("AHMAD")
    assert variant_key("NURUL HIDAYAH") == variant_key("NUR HIDAYA")
    assert variant_key("BUDI") != variant_key("BAYU")


def _components(ids: list[int], edges: list[tuple[int, int]]) -> set[frozenset[int]]:
    """Reference connected components by graph search."""
    adj: dict[int, set[int]] = {i: set() for i in ids}
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)
    seen: set[int] = set()
    out: set[frozenset[int]] = set()
    for start in ids:
        if start in seen:
            continue
        stack, group = [start], set()
        while stack:
            node = stack.pop()
            if node in group:
                continue
            group.add(node)
            stack.extend(adj[node] - group)
        seen |= group
        out.add(frozenset(group))
    return out


def test_clustering_matches_graph_search_on_random_graphs() -> None:
    rng = random.Random(3)
    for _ in range(30):
        ids = list(range(rng.randint(2, 60)))
        edges = [tuple(sorted(rng.sample(ids, 2))) for _ in range(rng.randint(0, 50))]
        frame = pl.DataFrame(
            {
                "unique_id_l": [a for a, _ in edges],
                "unique_id_r": [b for _, b in edges],
                "match_probability": [rng.random() for _ in edges],
            },
            schema={
                "unique_id_l": pl.Int64,
                "unique_id_r": pl.Int64,
                "match_probability": pl.Float64,
            },
        )
        got = cluster_pairs(ids, frame).assignment
        groups = {
            frozenset(g) for g in got.group_by("cluster").agg("unique_id")["unique_id"].to_list()
        }
        assert groups == _components(ids, [(a, b) for a, b in edges])  # type: ignore[misc]


def test_different_decisions_are_never_joined_and_same_decisions_are() -> None:
    edges = pl.DataFrame(
        {"unique_id_l": [1, 2], "unique_id_r": [2, 3], "match_probability": [0.99, 0.98]}
    )
    got = cluster_pairs([1, 2, 3, 4], edges, same=[(3, 4)], different=[(1, 3)]).assignment
    cluster = dict(zip(got["unique_id"], got["cluster"], strict=True))
    assert cluster[1] != cluster[3]
    assert cluster[3] == cluster[4]
    assert cluster[1] == cluster[2]  # the stronger edge wins; 2-3 would join 1 and 3


def test_a_chain_of_links_never_joins_two_niks_far_apart() -> None:
    # 1 and 2 share a NIK but for one digit (a typo); 3 is a namesake of 2 without a NIK; 4
    # holds an unrelated NIK and links strongly to 3. Joining 3-4 would put 1's and 4's NIKs
    # in one person.
    niks = {1: "3604054107870002", 2: "3604054107870003", 4: "3604121503910011"}
    edges = pl.DataFrame(
        {
            "unique_id_l": [1, 3, 2],
            "unique_id_r": [2, 4, 3],
            "match_probability": [0.999, 0.99, 0.96],
        }
    )
    got = cluster_pairs([1, 2, 3, 4], edges, niks=niks)
    cluster = dict(zip(got.assignment["unique_id"], got.assignment["cluster"], strict=True))
    assert cluster[1] == cluster[2]
    assert cluster[3] == cluster[4]
    assert cluster[2] != cluster[3]
    assert got.blocked_by_decision == 1
    # A pair the model links on its own evidence stands, whatever its NIKs.
    direct = pl.DataFrame({"unique_id_l": [1], "unique_id_r": [4], "match_probability": [0.97]})
    alone = cluster_pairs([1, 4], direct, niks=niks).assignment
    assert alone["cluster"].n_unique() == 1
    # A clerk's "same" is never overruled; the model's links must then fit it.
    forced = cluster_pairs([1, 2, 4], edges.head(1), same=[(2, 4)], niks=niks).assignment
    cluster = dict(zip(forced["unique_id"], forced["cluster"], strict=True))
    assert cluster[2] == cluster[4]
    assert cluster[1] != cluster[2]


def test_survivorship_prefers_civil_registry_then_most_recent_active() -> None:
    persons = pl.DataFrame(
        {
            "id": [1, 2, 3],
            "nik": ["3604054107870002", "3604054107870003", None],
            "nama": ["Siti", "Siti Aminah", "S. Aminah"],
            "tgl_lahir": [dt.date(1987, 7, 1), dt.date(1987, 7, 2), None],
            "jenis_kelamin": [2, 2, 2],
            "nama_ibu_kandung": [None, "Rukmini", "Rukmini"],
            "kode_wilayah": ["3604052001", "3604052002", "3604052003"],
            "status": ["aktif", "aktif", "nonaktif"],
            "updated_at": ["2024-01-01", "2025-01-01", "2026-01-01"],
            "batch_id": [1, 2, 3],
        }
    )
    clusters = pl.DataFrame({"unique_id": [1, 2, 3], "cluster": [1, 1, 1]})
    civil = pl.DataFrame(
        {
            "person_id": [1],
            "check_id": [9],
            "nik": ["3604054107870002"],
            "nama": ["SITI AMINAH"],
            "tgl_lahir": [dt.date(1987, 7, 1)],
            "jenis_kelamin": [2],
        }
    )
    row = golden_records(persons, clusters, civil).row(0, named=True)
    assert row["nik"] == "3604054107870002" and row["nama"] == "SITI AMINAH"
    assert row["kode_wilayah"] == "3604052002"  # newest active registration, not the inactive one
    assert row["registrations"] == 3
    import json

    prov = json.loads(row["provenance"])
    assert prov["nik"] == {"source": "dukcapil", "person_id": 1, "ref": 9}
    assert prov["kode_wilayah"]["person_id"] == 2 and prov["kode_wilayah"]["source"] == "registry"


def test_name_and_nik_keys_for_blocking_and_the_one_edit_guard() -> None:
    """Every NIK one substitution or adjacent transposition away shares the head, the tail,
    region + serial or the sorted digits: the comparison's guard never hides a one-edit pair."""
    nik = "3604054107870002"
    variants = [nik[:i] + d + nik[i + 1 :] for i in range(16) for d in "0123456789"]
    variants += [nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :] for i in range(15)]
    variants = [v for v in variants if v != nik]
    frame = prepare_records(
        pl.DataFrame(
            {
                "unique_id": list(range(len(variants) + 1)),
                "nik": [nik, *variants],
                "nama": ["Siti Nurul Aminah"] * (len(variants) + 1),
            }
        ),
        dt.date(2025, 7, 1),
    )
    first = frame.row(0, named=True)
    assert first["first_key"] == "SITI" and first["last_key"] == "AMINA"
    assert first["name_tokens"] == ["SITI", "NUR", "AMINA"]
    keys = ("nik_head", "nik_tail", "nik_rs", "nik_sorted")
    for row in frame.iter_rows(named=True):
        assert any(row[k] == first[k] for k in keys), row["nik"]


def test_nik_sorted_is_equal_exactly_when_the_characters_are_a_reordering() -> None:
    """The transposition key (digit counts for digit NIKs, sorted characters for others) is
    equal for two NIKs exactly when sorting their characters gives the same text."""
    rng = random.Random(5)
    niks = []
    for _ in range(3000):
        digits = [str(rng.randrange(10)) for _ in range(16)]
        niks.append("".join(digits))
        rng.shuffle(digits)
        niks.append("".join(digits))  # the same digits in another order
        digits[rng.randrange(16)] = str(rng.randrange(10))
        niks.append("".join(digits))  # often another multiset
    niks += [
        "3.329141405E+15",
        "3.329141405E+51",
        "12a",
        "a21",
        "12b",
        "١٢٣",
        "0,1,0",
        "123",
        "321",
    ]
    frame = prepare_records(pl.DataFrame({"unique_id": range(len(niks)), "nik": niks}))
    key = dict(zip(niks, frame["nik_sorted"].to_list(), strict=True))
    by_key: dict[str, set[str]] = {}
    for nik, k in key.items():
        by_key.setdefault(k, set()).add("".join(sorted(nik)))
    assert all(len(sorted_forms) == 1 for sorted_forms in by_key.values())
    assert len(by_key) == len({"".join(sorted(n)) for n in niks})


def test_nik_dates_decode_as_identity_decodes_them() -> None:
    """The staged decoding in prepare gives what identity's expression gives (century rule,
    women's +40, impossible and future dates null), on random and edge-case NIKs."""
    from terpadu.identity import nik_birth_date_expr
    from terpadu.linkage.prepare import _nik_parts

    rng = random.Random(3)
    today = dt.date(2026, 12, 6)
    niks, stated = [], []
    for _ in range(5000):
        day = rng.randrange(0, 75)
        niks.append(
            f"3604{rng.randrange(1, 99):02d}{day:02d}{rng.randrange(0, 14):02d}"
            f"{rng.randrange(0, 100):02d}{rng.randrange(1, 9999):04d}"
        )
        stated.append(
            None if rng.random() < 0.3 else dt.date(1900, 1, 1) + dt.timedelta(rng.randrange(46000))
        )
    niks += ["360405311299000x", "", "36040501019"]
    stated += [None, None, None]
    frame = pl.DataFrame(
        {"nik": niks, "stated": stated}, schema={"nik": pl.String, "stated": pl.Date}
    )
    mine = _nik_parts(frame["nik"], frame["stated"], today)
    ref = frame.select(
        nik_birth_date_expr(pl.col("nik"), today, pl.col("stated")).cast(pl.String).alias("d")
    )["d"]
    assert mine["nik_dob"].eq_missing(ref).all()
    assert mine["nik_dob"].null_count() < len(niks)  # some decode
    women = mine.filter(pl.col("nik_sex") == 2).height
    assert 0 < women < mine["nik_dob"].drop_nulls().len()


def test_one_registration_persons_get_the_same_golden_record_as_the_ranking_gives() -> None:
    """Single-registration clusters without civil values take a row-wise short cut: the
    values, provenance text and registrations equal what ranking every candidate gives, for
    blank and missing values, a missing batch, a person with nothing at all, and beside
    multi-registration and civil-checked clusters."""
    from terpadu.linkage.golden import _ranked

    persons = pl.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6, 7],
            "nik": [
                "3604054107870002",
                "",
                None,
                "3604050203900003",
                None,
                "3604051507870001",
                None,
            ],
            "nama": ["Siti", "Joko", "Rina", "Djoko", None, "Ahmad", "Ani"],
            "tgl_lahir": [dt.date(1987, 7, 1), None, dt.date(1995, 5, 5), None, None, None, None],
            "jenis_kelamin": [2, 1, None, 1, None, 1, 2],
            "nama_ibu_kandung": [None, "Rukmini", "", None, None, "Sri", None],
            "kode_wilayah": ["3604052001", "3604052002", None, "3604052002", None, "1", "2"],
            "status": ["aktif", "aktif", "nonaktif", "aktif", "aktif", "aktif", "aktif"],
            "updated_at": ["2024-01-01", "2025-01-01", "2026-01-01", None, None, None, None],
            "batch_id": [1, 2, None, 3, 4, 5, 5],
        }
    )
    # 2 and 4: one person; 6 is checked by Dukcapil; 5 has no value at all (left out)
    clusters = pl.DataFrame({"unique_id": [1, 2, 3, 4, 5, 6, 7], "cluster": [1, 2, 3, 2, 5, 6, 7]})
    civil = pl.DataFrame(
        {
            "person_id": [6],
            "check_id": [9],
            "nik": ["3604051507870001"],
            "nama": ["AHMAD"],
            "tgl_lahir": [dt.date(1987, 7, 15)],
            "jenis_kelamin": [1],
        },
        schema_overrides={"jenis_kelamin": pl.Int16},
    )
    got = golden_records(persons, clusters, civil)
    assert got["cluster"].to_list() == [1, 2, 3, 6, 7]
    assert got.equals(_ranked(persons, clusters, civil).sort("cluster"))
    assert golden_records(persons, clusters).equals(
        _ranked(persons, clusters, None).sort("cluster")
    )
