"""A linkage review pair in words: both registrations side by side, why the model scored
them alike (each comparison's level and match weight, from :mod:`terpadu.linkage.explain`)
and the differences a clerk should weigh before deciding."""

from __future__ import annotations

import re
from typing import Any, Final

from terpadu.locale import code_label, fmt_decimal, fmt_percent, has_text, text
from terpadu.web.labels import field_label, field_value

#: The registration fields shown side by side, in this order.
SHOWN: Final = (
    "nama",
    "nik",
    "tgl_lahir",
    "jenis_kelamin",
    "tempat_lahir",
    "nama_ibu_kandung",
    "no_kk",
    "kode_wilayah",
    "family_id",
    "person_id",
)
_FOLD = re.compile(r"[^a-z0-9]+")
_LEADING_NUMBER = re.compile(r"^\s*(\d+)")


def _differs(a: Any, b: Any) -> bool:
    if a in (None, "") or b in (None, ""):
        return False
    return str(a).strip().lower() != str(b).strip().lower()


def level_words(comparison: str, level: Any, lang: str) -> str:
    """A comparison level's label (as the model names it, in Bahasa) in the page's language."""
    label = str(level or "")
    if comparison == "family":
        found = _LEADING_NUMBER.match(label)
        if found:
            return text("verval.level.family", lang, n=found.group(1))
    key = "verval.level." + _FOLD.sub("_", label.lower()).strip("_")
    return text(key, lang) if has_text(key) else label


def explanation_rows(explanation: Any, lang: str) -> list[dict[str, Any]]:
    """Each comparison: what was compared, its level in words, its weight and its direction."""
    rows = []
    for item in explanation if isinstance(explanation, list) else []:
        if not isinstance(item, dict):
            continue
        name = str(item.get("comparison") or "")
        weight = item.get("weight")
        key = f"verval.comparison.{name}"
        rows.append(
            {
                "what": text(key, lang) if has_text(key) else name,
                "level": level_words(name, item.get("level"), lang),
                "weight": "-" if weight is None else fmt_decimal(float(weight), lang, 1),
                "towards": None
                if weight is None or float(weight) == 0
                else ("same" if float(weight) > 0 else "different"),
            }
        )
    return rows


def differences(left: dict[str, Any], right: dict[str, Any], lang: str) -> list[str]:
    """The differences that argue against one person, said plainly."""
    out = []
    sex_a, sex_b = left.get("jenis_kelamin"), right.get("jenis_kelamin")
    if _differs(sex_a, sex_b):
        out.append(
            text(
                "verval.diff_sex",
                lang,
                a=code_label("jenis_kelamin", sex_a, lang),
                b=code_label("jenis_kelamin", sex_b, lang),
            )
        )
    year_a, year_b = str(left.get("tgl_lahir") or "")[:4], str(right.get("tgl_lahir") or "")[:4]
    if year_a.isdigit() and year_b.isdigit() and year_a != year_b:
        gap = abs(int(year_a) - int(year_b))
        out.append(text("verval.diff_year", lang, a=year_a, b=year_b, n=gap))
    for name, key in (
        ("nik", "verval.diff_nik"),
        ("nama_ibu_kandung", "verval.diff_mother"),
        ("kode_wilayah", "verval.diff_region"),
    ):
        if _differs(left.get(name), right.get(name)):
            out.append(text(key, lang))
    return out


def pair_view(pair: dict[str, Any], lang: str) -> dict[str, Any]:
    """One review pair as the page shows it."""
    left, right = pair["left"], pair["right"]
    hidden = bool(left.get("hidden") or right.get("hidden"))
    rows = [
        {
            "label": field_label(name, lang),
            "a": field_value(name, left.get(name), lang),
            "b": field_value(name, right.get(name), lang),
            "diff": _differs(left.get(name), right.get(name)),
        }
        for name in SHOWN
    ]
    return {
        "id": pair["id"],
        "likelihood": fmt_percent(pair["match_probability"], lang, 0),
        "hidden": hidden,
        "rows": rows,
        "why": explanation_rows(pair.get("explanation"), lang),
        "differences": [] if hidden else differences(left, right, lang),
    }


__all__ = ["SHOWN", "differences", "explanation_rows", "level_words", "pair_view"]
