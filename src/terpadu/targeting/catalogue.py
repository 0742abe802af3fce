"""The programme catalogue: versioned YAML files, checked at load.

Each programme is one YAML file (``pkh.yaml``, ``sembako.yaml`` ...). The shipped
defaults live in ``terpadu/targeting/programs``; a folder of the user's own files
(``--programs DIR``, else ``<data_dir>/programs`` when it exists) overrides a
shipped programme with the same ``program`` id and may add new ones. A bad file
is refused as a whole with ``file:line: reason`` (the line comes from the YAML
parser's marks), never half applied. docs/targeting.md describes every key.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from terpadu.errors import TerpaduError

SHIPPED_DIR = Path(__file__).parent / "programs"

# Family-level fields a condition may test (the profile built by ``rules.profile_sql``).
PROFILE_FIELDS: dict[str, str] = {
    "desil": "desil 1-10 (1 = termiskin): nasional DTSEN bila ada, selain itu desil relatif registri",
    "persentil": "persentil 0-100: nasional DTSEN bila ada, selain itu persentil relatif registri",
    "pmt_score": "skor PMT (ln konsumsi per kapita prediksi; rendah = miskin)",
    "skor_deprivasi": "skor deprivasi Alkire-Foster 0-1 (tinggi = miskin)",
    "miskin_multidimensi": "1 bila miskin multidimensi",
    "jumlah_anggota": "anggota aktif yang hidup",
    "n_anak_0_6": "anak usia 0-6 tahun",
    "n_anak_sd": "anak bersekolah tingkat SD",
    "n_anak_smp": "anak bersekolah tingkat SMP",
    "n_anak_sma": "anak bersekolah tingkat SMA",
    "n_anak_tidak_sekolah": "anak 7-18 tahun yang tidak bersekolah",
    "n_lansia_60": "anggota berusia 60 tahun ke atas",
    "n_lansia_70": "anggota berusia 70 tahun ke atas",
    "n_disabilitas": "anggota dengan disabilitas",
    "n_disabilitas_berat": "anggota dengan disabilitas berat",
    "n_hamil": "anggota yang hamil",
    "n_penyakit_kronis": "anggota dengan penyakit kronis",
    "n_bekerja": "anggota 15+ yang bekerja",
    "n_usia_kerja": "anggota berusia 15-64 tahun",
    "n_asn_tni_polri": "anggota ASN, TNI/Polri atau pensiunannya",
    "n_tanpa_nik": "anggota tanpa NIK",
    "n_komponen_pkh": "komponen PKH yang memenuhi syarat (setelah batas per keluarga)",
    "kepala_perempuan": "1 bila kepala keluarga perempuan",
    "luas_lantai_perkapita": "luas lantai per anggota, m²",
    "status_bangunan": "status kepemilikan bangunan (1 milik sendiri ...)",
    "luas_lantai": "luas lantai, m²",
    "jenis_lantai": "jenis lantai (kode Regsosek)",
    "jenis_dinding": "jenis dinding",
    "jenis_atap": "jenis atap",
    "sumber_air_minum": "sumber air minum",
    "sumber_penerangan": "sumber penerangan",
    "daya_listrik": "daya listrik, VA",
    "bahan_bakar_masak": "bahan bakar memasak",
    "fasilitas_bab": "fasilitas buang air besar",
    "aset_tabung_gas": "punya tabung gas 5,5 kg+",
    "aset_kulkas": "punya kulkas",
    "aset_ac": "punya AC",
    "aset_tv": "punya TV",
    "aset_emas": "punya emas 10 g+",
    "aset_komputer": "punya komputer",
    "aset_sepeda_motor": "punya sepeda motor",
    "aset_mobil": "punya mobil",
    "aset_perahu_motor": "punya perahu motor",
    "aset_rumah_lain": "punya rumah lain",
    "luas_lahan": "luas lahan, m²",
    "jumlah_ternak": "ternak besar, ekor",
}

#: A member count named as the family profile names it (``terpadu.engine.family``, the name
#: welfare and its deprivation indicators use) → the profile's ``n_*`` column for it. Both
#: names mean the same count; a condition is stored under the ``n_*`` name.
FIELD_ALIASES: dict[str, str] = {
    "anak_0_6": "n_anak_0_6",
    "anak_tidak_sekolah": "n_anak_tidak_sekolah",
    "lansia": "n_lansia_60",
    "lansia_70": "n_lansia_70",
    "jumlah_disabilitas": "n_disabilitas",
    "jumlah_disabilitas_berat": "n_disabilitas_berat",
    "jumlah_hamil": "n_hamil",
    "jumlah_penyakit_kronis": "n_penyakit_kronis",
    "jumlah_pekerja": "n_bekerja",
    "usia_kerja": "n_usia_kerja",
}

# Exclusions a programme may list, with the reason shown to the officer.
EXCLUSIONS: dict[str, str] = {
    "asn_tni_polri": "ada anggota ASN, TNI/Polri atau pensiunannya (STATUS_PEKERJAAN 5/6/7)",
    "meninggal": "tidak ada anggota aktif yang masih hidup",
    "nik_ditolak": "NIK penerima ditolak Dukcapil (tidak ada/berbeda data)",
    "tanpa_nik": "penerima belum punya NIK",
    "program_konflik": "keluarga atau anggotanya sudah menerima program yang bertentangan",
}
# Always applied, whatever the file says.
BUILTIN_REASONS: dict[str, str] = {
    "keluarga_nonaktif": "keluarga berstatus nonaktif",
    "belum_berperingkat": "keluarga belum punya peringkat kesejahteraan",
    "desil": "desil di luar rentang program",
    "anggota_ganda": "penerima atau anggota komponen (PERSON_ID/NIK) juga terdaftar dan "
    "dihitung di keluarga lain (tertahan data)",
}

# PKH-style components: who in the family qualifies (member-level, see rules.py).
COMPONENT_KINDS: dict[str, str] = {
    "hamil": "ibu hamil/nifas (HAMIL = 1)",
    "anak_usia_dini": "anak usia 0-6 tahun",
    "sd": "anak bersekolah tingkat SD",
    "smp": "anak bersekolah tingkat SMP",
    "sma": "anak bersekolah tingkat SMA",
    "lansia": "lanjut usia 70 tahun ke atas",
    "disabilitas_berat": "penyandang disabilitas berat",
}

OPS = ("<", "<=", ">", ">=", "==", "!=", "in", "not in", "between")
PERIODS = ("tahun", "bulan", "sekali")
RECIPIENTS = ("ibu", "kepala")
TOP_KEYS = {
    "program",
    "name",
    "version",
    "description",
    "desil",
    "recipient",
    "conditions",
    "exclusions",
    "conflicts",
    "amount",
    "components",
}
_ID = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")


class ProgramConfigError(TerpaduError, ValueError):
    """A programme file that cannot be used: ``file:line: reason``."""

    code = "program_config"

    def __init__(self, path: Path | str, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}", path=self.path, line=line, reason=reason)


@dataclass(frozen=True)
class Condition:
    """A required condition: a field test, or ``any`` of several (OR)."""

    code: str
    label: str
    field: str | None = None
    op: str | None = None
    value: Any = None
    any_of: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Component:
    """One PKH-style component: who qualifies, yearly (or per-period-unit) amount, cap."""

    code: str
    label: str
    amount: int
    cap: int | None = None
    min_age: int | None = None
    max_age: int | None = None


@dataclass(frozen=True)
class Program:
    """A programme as loaded from its YAML file."""

    id: str
    name: str
    version: str
    desil: tuple[int, int]
    recipient: str = "kepala"
    description: str = ""
    conditions: tuple[Condition, ...] = ()
    exclusions: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    amount_per: str = "tahun"
    amount_family: int = 0
    amount_member: int = 0
    components: tuple[Component, ...] = ()
    max_components: int | None = None
    text: str = ""
    path: str = ""
    lines: Mapping[str, int] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    def with_conflicts(self, conflicts: Iterable[str]) -> Program:
        from dataclasses import replace

        return replace(self, conflicts=tuple(sorted(set(conflicts))))


@dataclass(frozen=True)
class Catalogue:
    """Every programme by id, conflicts made symmetric."""

    programs: dict[str, Program]

    def get(self, name: str) -> Program:
        key = name.strip().lower()
        if key in self.programs:
            return self.programs[key]
        for program in self.programs.values():
            if program.name.lower() == key:
                return program
        known = ", ".join(sorted(self.programs))
        raise KeyError(f"Program '{name}' tidak ada di katalog; yang ada: {known}.")

    def __iter__(self) -> Any:
        return iter(self.programs.values())


# -- YAML with line numbers ------------------------------------------------------------------
def _scalar_value(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _plain(node: yaml.Node, path: str, lines: dict[str, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar_value(key_node)
            name = str(key)
            lines[f"{path}.{name}" if path else name] = key_node.start_mark.line + 1
            out[name] = _plain(value_node, f"{path}.{name}" if path else name, lines)
            lines[f"{path}.{name}" if path else name] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, f"{path}[{i}]", lines) for i, item in enumerate(node.value)]
    return _scalar_value(node)


def _parse(text: str, path: Path) -> tuple[Any, dict[str, int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ProgramConfigError(path, line, f"YAML tidak sah: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise ProgramConfigError(path, None, f"YAML tidak sah: {exc}") from exc
    if node is None:
        raise ProgramConfigError(path, 1, "berkas kosong")
    lines: dict[str, int] = {}
    return _plain(node, "", lines), lines


class _Checker:
    def __init__(self, path: Path, lines: dict[str, int]) -> None:
        self.path = path
        self.lines = lines

    def fail(self, key: str, reason: str) -> ProgramConfigError:
        line = self.lines.get(key)
        probe = key
        while line is None and probe:
            probe = probe.rsplit(".", 1)[0] if "." in probe else ""
            probe = re.sub(r"\[\d+\]$", "", probe) if probe.endswith("]") else probe
            line = self.lines.get(probe)
        return ProgramConfigError(self.path, line, reason)

    def integer(self, value: Any, key: str, *, low: int = 0, high: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            raise self.fail(key, f"'{key}' harus bilangan bulat, bukan {value!r}")
        number = int(value)
        if number < low or (high is not None and number > high):
            bound = f"{low}-{high}" if high is not None else f">= {low}"
            raise self.fail(key, f"'{key}' harus {bound}, bukan {number}")
        return number

    def text(self, value: Any, key: str) -> str:
        if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
            raise self.fail(key, f"'{key}' harus teks")
        return str(value)


def _condition(raw: Any, key: str, index: int, check: _Checker) -> Condition:
    if not isinstance(raw, dict):
        raise check.fail(key, "syarat harus berupa pemetaan (field/op/value atau any)")
    unknown = set(raw) - {"field", "op", "value", "any", "label", "code"}
    if unknown:
        raise check.fail(f"{key}.{sorted(unknown)[0]}", f"kunci tidak dikenal: {sorted(unknown)}")
    code = check.text(raw.get("code", f"syarat_{index + 1}"), f"{key}.code")
    if not _ID.match(code):
        raise check.fail(f"{key}.code", f"kode syarat '{code}' hanya huruf kecil, angka, _ dan -")
    if "any" in raw:
        items = raw["any"]
        if not isinstance(items, list) or not items:
            raise check.fail(f"{key}.any", "'any' harus daftar syarat yang tidak kosong")
        parts = tuple(_condition(item, f"{key}.any[{i}]", i, check) for i, item in enumerate(items))
        label = str(raw.get("label") or " atau ".join(p.label for p in parts))
        return Condition(code=code, label=label, any_of=parts)
    for needed in ("field", "op"):
        if needed not in raw:
            raise check.fail(key, f"syarat tanpa '{needed}'")
    name = check.text(raw["field"], f"{key}.field")
    name = FIELD_ALIASES.get(name, name)
    if name not in PROFILE_FIELDS:
        raise check.fail(
            f"{key}.field", f"kolom '{name}' tidak dikenal; lihat docs/targeting.md (Kolom profil)"
        )
    op = check.text(raw["op"], f"{key}.op")
    if op not in OPS:
        raise check.fail(f"{key}.op", f"operator '{op}' tidak dikenal; pilih {', '.join(OPS)}")
    if "value" not in raw:
        raise check.fail(key, "syarat tanpa 'value'")
    value = raw["value"]
    if op in ("in", "not in"):
        if not isinstance(value, list) or not value or not all(_scalar(v) for v in value):
            raise check.fail(f"{key}.value", f"'{op}' memerlukan daftar nilai")
    elif op == "between":
        if not (isinstance(value, list) and len(value) == 2 and all(_number(v) for v in value)):
            raise check.fail(f"{key}.value", "'between' memerlukan [batas_bawah, batas_atas]")
        if value[0] > value[1]:
            raise check.fail(f"{key}.value", "'between': batas bawah lebih besar dari batas atas")
    elif not _scalar(value):
        raise check.fail(f"{key}.value", f"'{op}' memerlukan satu nilai")
    label = str(raw.get("label") or f"{name} {op} {value}")
    return Condition(code=code, label=label, field=name, op=op, value=value)


def _scalar(value: Any) -> bool:
    return isinstance(value, (int, float, str)) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_program(text: str, path: Path | str = "<program>") -> Program:
    """Check one programme file's text; :class:`ProgramConfigError` names the line and reason."""
    path = Path(path)
    raw, lines = _parse(text, path)
    check = _Checker(path, lines)
    if not isinstance(raw, dict):
        raise check.fail("", "isi berkas harus pemetaan (program, name, version, ...)")
    unknown = set(raw) - TOP_KEYS
    if unknown:
        name = sorted(unknown)[0]
        raise check.fail(name, f"kunci tidak dikenal: '{name}'; yang boleh: {sorted(TOP_KEYS)}")
    for needed in ("program", "name", "version", "desil"):
        if needed not in raw:
            raise check.fail("", f"kunci wajib '{needed}' tidak ada")
    program_id = check.text(raw["program"], "program").strip().lower()
    if not _ID.match(program_id):
        raise check.fail("program", f"id program '{program_id}': huruf kecil, angka, _ dan -")
    version = check.text(raw["version"], "version").strip()
    if not version:
        raise check.fail("version", "'version' kosong")
    desil = raw["desil"]
    if not isinstance(desil, list) or len(desil) != 2:
        raise check.fail("desil", "'desil' harus [dari, sampai], mis. [1, 4]")
    low = check.integer(desil[0], "desil[0]", low=1, high=10)
    high = check.integer(desil[1], "desil[1]", low=1, high=10)
    if low > high:
        raise check.fail("desil", f"desil dari {low} lebih besar dari sampai {high}")
    recipient = check.text(raw.get("recipient", "kepala"), "recipient")
    if recipient not in RECIPIENTS:
        raise check.fail("recipient", f"penerima '{recipient}' tidak dikenal; pilih {RECIPIENTS}")
    conditions_raw = raw.get("conditions") or []
    if not isinstance(conditions_raw, list):
        raise check.fail("conditions", "'conditions' harus daftar")
    conditions = tuple(
        _condition(c, f"conditions[{i}]", i, check) for i, c in enumerate(conditions_raw)
    )
    codes = [c.code for c in conditions]
    if len(set(codes)) != len(codes):
        raise check.fail("conditions", "kode syarat ganda")
    exclusions_raw = raw.get("exclusions") or []
    if not isinstance(exclusions_raw, list):
        raise check.fail("exclusions", "'exclusions' harus daftar")
    for i, code in enumerate(exclusions_raw):
        if code not in EXCLUSIONS:
            raise check.fail(
                f"exclusions[{i}]",
                f"pengecualian '{code}' tidak dikenal; pilih {', '.join(EXCLUSIONS)}",
            )
    conflicts_raw = raw.get("conflicts") or []
    if not isinstance(conflicts_raw, list):
        raise check.fail("conflicts", "'conflicts' harus daftar id program")
    conflicts = []
    for i, other in enumerate(conflicts_raw):
        other_id = check.text(other, f"conflicts[{i}]").strip().lower()
        if other_id == program_id:
            raise check.fail(f"conflicts[{i}]", "program tidak bisa bertentangan dengan dirinya")
        conflicts.append(other_id)
    amount = raw.get("amount") or {}
    if not isinstance(amount, dict):
        raise check.fail("amount", "'amount' harus pemetaan (per, family, member)")
    bad = set(amount) - {"per", "family", "member"}
    if bad:
        raise check.fail(f"amount.{sorted(bad)[0]}", f"kunci tidak dikenal: {sorted(bad)}")
    per = check.text(amount.get("per", "tahun"), "amount.per")
    if per not in PERIODS:
        raise check.fail("amount.per", f"'per' harus salah satu dari {PERIODS}")
    family_amount = check.integer(amount.get("family", 0), "amount.family")
    member_amount = check.integer(amount.get("member", 0), "amount.member")
    components: list[Component] = []
    max_components: int | None = None
    comp_raw = raw.get("components")
    if comp_raw is not None:
        if not isinstance(comp_raw, dict):
            raise check.fail("components", "'components' harus pemetaan (max_per_family, items)")
        bad = set(comp_raw) - {"max_per_family", "items"}
        if bad:
            raise check.fail(f"components.{sorted(bad)[0]}", f"kunci tidak dikenal: {sorted(bad)}")
        if comp_raw.get("max_per_family") is not None:
            max_components = check.integer(
                comp_raw["max_per_family"], "components.max_per_family", low=1
            )
        items = comp_raw.get("items")
        if not isinstance(items, list) or not items:
            raise check.fail("components", "'components.items' harus daftar yang tidak kosong")
        for i, item in enumerate(items):
            key = f"components.items[{i}]"
            if not isinstance(item, dict):
                raise check.fail(key, "komponen harus pemetaan (code, amount, cap)")
            bad = set(item) - {"code", "label", "amount", "cap", "min_age", "max_age"}
            if bad:
                raise check.fail(f"{key}.{sorted(bad)[0]}", f"kunci tidak dikenal: {sorted(bad)}")
            code = check.text(item.get("code"), f"{key}.code")
            if code not in COMPONENT_KINDS:
                raise check.fail(
                    f"{key}.code",
                    f"komponen '{code}' tidak dikenal; pilih {', '.join(COMPONENT_KINDS)}",
                )
            if "amount" not in item:
                raise check.fail(key, f"komponen '{code}' tanpa 'amount'")
            components.append(
                Component(
                    code=code,
                    label=str(item.get("label") or COMPONENT_KINDS[code]),
                    amount=check.integer(item["amount"], f"{key}.amount"),
                    cap=None
                    if item.get("cap") is None
                    else check.integer(item["cap"], f"{key}.cap", low=1),
                    min_age=None
                    if item.get("min_age") is None
                    else check.integer(item["min_age"], f"{key}.min_age", high=150),
                    max_age=None
                    if item.get("max_age") is None
                    else check.integer(item["max_age"], f"{key}.max_age", high=150),
                )
            )
        if len({c.code for c in components}) != len(components):
            raise check.fail("components.items", "kode komponen ganda")
    if family_amount == 0 and member_amount == 0 and not components:
        raise check.fail(
            "amount", "program tanpa nominal: isi amount.family, amount.member atau components"
        )
    return Program(
        id=program_id,
        name=check.text(raw["name"], "name"),
        version=version,
        desil=(low, high),
        recipient=recipient,
        description=str(raw.get("description") or ""),
        conditions=conditions,
        exclusions=tuple(exclusions_raw),
        conflicts=tuple(conflicts),
        amount_per=per,
        amount_family=family_amount,
        amount_member=member_amount,
        components=tuple(components),
        max_components=max_components,
        text=text,
        path=str(path),
        lines=dict(lines),
    )


def load_program(path: Path) -> Program:
    """One programme file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgramConfigError(path, None, f"berkas tidak bisa dibaca: {exc}") from exc
    return parse_program(text, path)


def _files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def load_catalogue(programs_dir: Path | None = None) -> Catalogue:
    """The shipped programmes, overridden and extended by ``programs_dir``.

    ``programs_dir``: the user's edited programmes (the CLI passes ``--programs``, else
    the settings' ``programs_dir`` when it exists); None: the shipped ones alone.
    Conflicts are made symmetric: if A lists B, B conflicts with A. A conflict naming
    an unknown programme is refused.
    """
    found: dict[str, Program] = {}
    for path in _files(SHIPPED_DIR):
        program = load_program(path)
        found[program.id] = program
    extra = programs_dir
    if extra is not None:
        if not extra.is_dir():
            raise ProgramConfigError(extra, None, "folder program tidak ditemukan")
        seen: dict[str, Path] = {}
        for path in _files(extra):
            program = load_program(path)
            if program.id in seen:
                raise ProgramConfigError(
                    path,
                    program.lines.get("program"),
                    f"program '{program.id}' juga didefinisikan di {seen[program.id]}",
                )
            seen[program.id] = path
            found[program.id] = program
    links: dict[str, set[str]] = {pid: set(p.conflicts) for pid, p in found.items()}
    for pid, program in found.items():
        _check_conflicts_known(program, found)
        for other in program.conflicts:
            links[other].add(pid)
    return Catalogue({pid: p.with_conflicts(links[pid]) for pid, p in sorted(found.items())})


def _check_conflicts_known(program: Program, known: dict[str, Program]) -> None:
    """Every programme ``program`` conflicts with is in ``known``."""
    for i, other in enumerate(program.conflicts):
        if other not in known:
            raise ProgramConfigError(
                program.path,
                program.lines.get(f"conflicts[{i}]"),
                f"program bertentangan '{other}' tidak ada di katalog",
            )


def with_program(catalogue: Catalogue, program: Program) -> Catalogue:
    """The catalogue plus (or with a replaced) ``program``, conflicts made symmetric again."""
    programs = {pid: p for pid, p in catalogue.programs.items() if pid != program.id}
    links: dict[str, set[str]] = {
        pid: set(p.conflicts) - {program.id} for pid, p in programs.items()
    }
    _check_conflicts_known(program, programs)
    links[program.id] = set(program.conflicts)
    for other in links[program.id]:
        links[other].add(program.id)
    merged = {**programs, program.id: program}
    return Catalogue({pid: p.with_conflicts(links[pid]) for pid, p in sorted(merged.items())})
