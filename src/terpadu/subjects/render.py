"""A subject report as JSON (for systems) and Markdown (to print and hand to the person)."""

from __future__ import annotations

import json
import re
from typing import Any

from terpadu.subjects.report import SubjectReport

SECTION_TITLES = {
    "orang": "Data orang",
    "keanggotaan": "Keanggotaan keluarga",
    "riwayat_status": "Riwayat status",
    "riwayat_nilai": "Riwayat perubahan nilai",
    "keluarga": "Keluarga (KK)",
    "kesejahteraan": "Peringkat kesejahteraan (desil)",
    "kepesertaan_program": "Kepesertaan program dan nominal bantuan",
    "usulan": "Usulan (verval)",
    "event_audit": "Catatan audit",
    "tautan_identitas": "Tautan identitas (record linkage)",
    "penggabungan": "Penggabungan data",
    "cek_dukcapil": "Pemeriksaan Dukcapil",
    "baris_ditolak": "Baris impor yang ditolak",
}

# Characters that Markdown (or an HTML viewer of it) would read as markup.
_MARKUP = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    flat = " ".join(str(value).split())
    return _MARKUP.sub(r"\\\1", flat)


def report_json(report: SubjectReport) -> str:
    """The whole report as indented JSON (UTF-8 text)."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def report_markdown(report: SubjectReport) -> str:
    """The report as Markdown: one section per kind of record, one list per record."""
    lines = [
        "# Laporan data pribadi (UU 27/2022 tentang Pelindungan Data Pribadi)",
        "",
        f"- **NIK**: {_text(report.nik)}",
        f"- **Dibuat (UTC)**: {_text(report.as_dict()['dibuat_utc'])}",
        f"- **Oleh**: {_text(report.made_by)} ({_text(report.role)}, wilayah "
        f"{_text(report.region or 'nasional')})",
        f"- **Nomor event audit**: {_text(report.audit_event_id)}",
        "",
    ]
    if report.withheld:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(report.withheld.items()))
        lines += [
            f"Data di luar wilayah kerja pembuat laporan tidak dimuat ({_text(counts)}); "
            "mintalah ke dinas yang membawahi wilayah tersebut.",
            "",
        ]
    for key, title in SECTION_TITLES.items():
        records = report.sections.get(key, [])
        lines += [f"## {title} ({len(records)})", ""]
        if not records:
            lines += ["Tidak ada.", ""]
            continue
        for number, record in enumerate(records, 1):
            lines.append(
                f"{number}. "
                + "; ".join(f"**{_text(name)}**: {_text(value)}" for name, value in record.items())
            )
        lines.append("")
    return "\n".join(lines)


__all__ = ["SECTION_TITLES", "report_json", "report_markdown"]
