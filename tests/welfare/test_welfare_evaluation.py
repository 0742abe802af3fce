import numpy as np
import pytest

from terpadu.welfare.evaluation import evaluate, in_bottom, spearman, targeting_errors


def test_perfect_and_reversed_rankings() -> None:
    truth = np.arange(100, dtype=float)
    perfect = targeting_errors(truth, truth * 2 + 1)
    assert all(r["inclusion"] == 0 and r["exclusion"] == 0 for r in perfect)
    reversed_rows = targeting_errors(truth, -truth)
    assert all(r["inclusion"] == 1 and r["exclusion"] == 1 for r in reversed_rows)
    assert [r["selected"] for r in perfect] == [10, 20, 30, 40]


def test_errors_follow_the_definitions() -> None:
    # Ten families; at the 20 % cut the truly poor are 0 and 1, the selected 0 and 2.
    truth = np.arange(10, dtype=float)
    predicted = np.array([0, 5, 1, 3, 4, 2, 6, 7, 8, 9], dtype=float)
    row = targeting_errors(truth, predicted, cuts=(0.2,))[0]
    assert row["selected"] == 2 and row["poor"] == 2
    assert row["inclusion"] == pytest.approx(0.5)  # family 2 selected, not poor
    assert row["exclusion"] == pytest.approx(0.5)  # family 1 poor, not selected
    # Against a poverty line: poor = consumption below the line (families 0-2).
    line = targeting_errors(truth, predicted, cuts=(0.2,), poverty_line=float(np.exp(2.5)))[0]
    assert line["inclusion_garis"] == 0.0
    assert line["exclusion_garis"] == pytest.approx(1 / 3)


def test_ties_are_selected_together() -> None:
    values = np.array([1.0, 1.0, 1.0, 2.0, 3.0])
    assert in_bottom(values, 0.2).tolist() == [True, True, True, False, False]
    assert in_bottom(np.zeros(4), 0.1).all()


def test_spearman_and_regions() -> None:
    rng = np.random.default_rng(1)
    truth = rng.normal(size=400)
    predicted = truth + rng.normal(scale=0.5, size=400)
    ranks = np.argsort(np.argsort(truth)), np.argsort(np.argsort(predicted))
    assert spearman(truth, predicted) == pytest.approx(np.corrcoef(*ranks)[0, 1])
    kab = ["3601" if i % 2 else "3602" for i in range(400)]
    report = evaluate(truth, predicted, [k[:2] for k in kab], kab, poverty_line=None)
    assert [r["kode"] for r in report["by_kabkota"]] == ["3601", "3602"]
    # Regions are judged against the national selection: their counts add up.
    for position in range(4):
        national = report["cuts"][position]
        parts = [r["cuts"][position] for r in report["by_kabkota"]]
        assert sum(p["selected"] for p in parts) == national["selected"]
        assert sum(p["poor"] for p in parts) == national["poor"]
    assert report["by_province"][0]["n"] == 400
