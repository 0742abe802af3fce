"""Damaged copies of a clean keluarga/anggota batch, the way real files get damaged.

Each case knows, from the outside, what a keeper of the registry expects: how many rows the
file holds (counted by hand here, a multi-line quoted value being one row), which rows it
damaged and whether such a row must land, must be rejected or may do either, and the values
every row that lands must carry. The test runs the real command and compares.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from openpyxl import Workbook


class Outcome(Enum):
    LAND = "land"  # must land with the expected values
    REJECT = "reject"  # must be reported as an error at its row
    EITHER = "either"  # lands with the expected values or is reported at its row


class Raw(str):
    """A cell written as is: no quoting, so a stray quote stays stray."""


@dataclass
class Table:
    """One file's rows as they should land (``rows``) and as they are written (``cells``)."""

    header: list[str]
    rows: list[list[str]]
    key: str
    cells: list[list[str]] = field(default_factory=list)
    outcome: dict[int, Outcome] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.cells:
            self.cells = [list(r) for r in self.rows]

    def col(self, name: str) -> int:
        return self.header.index(name)

    def value(self, i: int, name: str) -> str:
        return self.rows[i][self.col(name)]

    def set(self, i: int, name: str, landed: str, written: str | None = None) -> None:
        """Row i's value lands as ``landed`` and is written as ``written`` (default: same)."""
        self.rows[i][self.col(name)] = landed
        self.cells[i][self.col(name)] = landed if written is None else written

    def write(self, i: int, name: str, written: str, outcome: Outcome) -> None:
        """Damage row i's cell; the expected landed values stay the clean ones."""
        self.cells[i][self.col(name)] = written
        self.outcome[i] = outcome

    def plain(self, name: str, start: int = 0) -> int:
        """The first row from ``start`` whose value is letters, digits, spaces and dots."""
        for i in range(start, len(self.rows)):
            v = self.value(i, name)
            if v and all(c.isalnum() or c in " ." for c in v):
                return i
        raise AssertionError(f"no plain {name} from row {start}")

    def copy(self) -> Table:
        return Table(
            list(self.header),
            [list(r) for r in self.rows],
            self.key,
            [list(c) for c in self.cells],
            dict(self.outcome),
        )


@dataclass
class FileSpec:
    """A file as written: its bytes, its name, and where each data row starts."""

    name: str
    data: bytes
    rows_read: int
    line_of: dict[int, int]  # row index -> row number as the report gives it


@dataclass
class Case:
    name: str
    keluarga: Table
    anggota: Table
    k_file: FileSpec
    a_file: FileSpec
    refused: str | None = None  # the file a whole-batch refusal must name
    refusal_allowed: bool = False  # a refusal is one acceptable answer (else all must land)


# --- rendering ------------------------------------------------------------------------------


def cell_text(value: str, sep: str, quote_all: bool = False) -> str:
    if isinstance(value, Raw):
        return str(value)
    if quote_all or any(c in value for c in (sep, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def line_text(cells: list[str], sep: str, quote_all: bool = False) -> str:
    return sep.join(cell_text(c, sep, quote_all) for c in cells)


Line = int | str  # a data row's index, or a raw line (blank, repeated header…)


def render(
    table: Table,
    name: str,
    *,
    sep: str = ",",
    eol: str | list[str] = "\n",
    encoding: str = "utf-8",
    lines: list[Line] | None = None,
    header: list[str] | None = None,
    quote_all: bool = False,
    final_eol: bool = True,
    prefix: bytes = b"",
    suffix: bytes = b"",
) -> FileSpec:
    """Write the table; ``lines`` orders data rows and raw lines after the header."""
    order: list[Line] = list(range(len(table.cells))) if lines is None else lines
    head = line_text(header or table.header, sep, quote_all)
    texts = [head]
    line_of: dict[int, int] = {}
    physical = 1
    rows_read = 0
    for item in order:
        if isinstance(item, int):
            text = line_text(table.cells[item], sep, quote_all)
            line_of[item] = rows_read + 2  # spreadsheet row: header is row 1
            rows_read += 1
        else:
            text = item
        texts.append(text)
        physical += 1 + text.count("\n")
    ends = eol if isinstance(eol, list) else [eol]
    out = io.StringIO()
    for n, text in enumerate(texts):
        out.write(text)
        if n < len(texts) - 1 or final_eol:
            out.write(ends[n % len(ends)])
    return FileSpec(name, prefix + out.getvalue().encode(encoding) + suffix, rows_read, line_of)


def physical_rows(table: Table, name: str, lines: list[Line], **kw: object) -> FileSpec:
    """As ``render``, but row numbers are physical line numbers (raw lines count)."""
    spec = render(table, name, lines=lines, **kw)  # type: ignore[arg-type]
    number = 2
    for item in lines:
        if isinstance(item, int):
            spec.line_of[item] = number
        number += 1
    return spec


# --- the clean batch ------------------------------------------------------------------------


def read_clean(folder: Path) -> tuple[Table, Table]:
    def load(path: Path, key: str) -> Table:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        table = Table(rows[0], rows[1:], key)
        if "KODE_WILAYAH" in table.header:  # written with or without dots, kept without
            for i, cells in enumerate(table.cells):
                table.rows[i][table.col("KODE_WILAYAH")] = cells[table.col("KODE_WILAYAH")].replace(
                    ".", ""
                )
        if "TGL_LAHIR" in table.header:  # the generator writes dates as offices do
            for row in table.rows:
                row[table.col("TGL_LAHIR")] = iso_date(row[table.col("TGL_LAHIR")])
        return table

    return load(folder / "keluarga.csv", "ID_KELUARGA"), load(folder / "anggota.csv", "ID_ANGGOTA")


def iso_date(value: str) -> str:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            pass
    return value


def tagged(keluarga: Table, anggota: Table, tag: str) -> tuple[Table, Table]:
    """A copy whose ids carry ``tag``, so each case's rows are its own in one registry."""
    k, a = keluarga.copy(), anggota.copy()
    for t, cols in ((k, ("ID_KELUARGA",)), (a, ("ID_ANGGOTA", "ID_KELUARGA"))):
        for i in range(len(t.rows)):
            for c in cols:
                t.set(i, c, tag + t.value(i, c))
    return k, a


# --- the cases ------------------------------------------------------------------------------

Builder = Callable[[Table, Table], Case]
CASES: dict[str, Builder] = {}


def case(fn: Builder) -> Builder:
    CASES[fn.__name__] = fn
    return fn


def plain_case(name: str, k: Table, a: Table, **kw: object) -> Case:
    return Case(name, k, a, render(k, "k.csv", **kw), render(a, "a.csv", **kw))  # type: ignore[arg-type]


@case
def clean(k: Table, a: Table) -> Case:
    return plain_case("clean", k, a)


def _stray(k: Table, a: Table, where: str, table: str, column: str) -> Case:
    t = a if table == "a" else k
    i = t.plain(column, 3)
    v = t.value(i, column)
    landed = {"start": '"' + v, "middle": v[:2] + '"' + v[2:], "end": v + '"'}[where]
    t.set(i, column, landed, Raw(landed))
    # A quote inside or at the end of an unquoted value is a letter; one that opens a value
    # and never closes may be repaired or rejected, but never takes other rows with it.
    t.outcome[i] = Outcome.EITHER if where == "start" else Outcome.LAND
    return plain_case(f"quote_{where}_{column}", k, a)


for _where in ("start", "middle", "end"):
    for _tab, _col in (("a", "NAMA"), ("k", "ALAMAT")):

        def _build(k: Table, a: Table, w: str = _where, t: str = _tab, c: str = _col) -> Case:
            return _stray(k, a, w, t, c)

        CASES[f"quote_{_where}_{_col.lower()}"] = _build


@case
def two_stray_quotes(k: Table, a: Table) -> Case:
    for start in (4, 12):
        i = a.plain("NAMA", start)
        v = '"' + a.value(i, "NAMA")
        a.set(i, "NAMA", v, Raw(v))
        a.outcome[i] = Outcome.EITHER
    return plain_case("two_stray_quotes", k, a)


@case
def multiline_alamat(k: Table, a: Table) -> Case:
    k.set(3, "ALAMAT", 'Jl. Mawar No. 5\nRT 01, "Gang Buntu"\ndekat masjid')
    k.set(7, "ALAMAT", "Perum Griya\nBlok C-7")
    return plain_case("multiline_alamat", k, a)


@case
def semicolon_commas(k: Table, a: Table) -> Case:
    for i in range(0, len(k.rows), 3):
        k.set(i, "ALAMAT", f"Jl. Mawar, No {i}, {k.value(i, 'ALAMAT')}")
    return plain_case("semicolon_commas", k, a, sep=";")


@case
def crlf(k: Table, a: Table) -> Case:
    return plain_case("crlf", k, a, eol="\r\n")


@case
def bare_cr(k: Table, a: Table) -> Case:
    return plain_case("bare_cr", k, a, eol="\r")


@case
def mixed_line_endings(k: Table, a: Table) -> Case:
    return plain_case("mixed_line_endings", k, a, eol=["\n", "\r\n", "\r", "\r\n"])


def _accents(k: Table, a: Table) -> None:
    names = ["José Ñúñez", "María Peña", "Zoë Çelik", "François Dümont"]
    for j, i in enumerate(range(1, len(a.rows), 7)):
        a.set(i, "NAMA", names[j % len(names)])
    k.set(2, "ALAMAT", "Jl. Señor Müller")


def _encoded(name: str, encoding: str, bom: bytes = b"") -> Builder:
    def build(k: Table, a: Table) -> Case:
        _accents(k, a)
        return plain_case(name, k, a, encoding=encoding, prefix=bom)

    build.__name__ = name
    return build


for _name, _enc, _bom in (
    ("utf8_bom", "utf-8", b"\xef\xbb\xbf"),
    ("utf16le_bom", "utf-16-le", b"\xff\xfe"),
    ("utf16be_bom", "utf-16-be", b"\xfe\xff"),
    ("utf16le_nobom", "utf-16-le", b""),
    ("utf16be_nobom", "utf-16-be", b""),
    ("windows_1252", "cp1252", b""),
):
    CASES[_name] = _encoded(_name, _enc, _bom)


@case
def mixed_utf8_1252(k: Table, a: Table) -> Case:
    _accents(k, a)
    spec = render(a, "a.csv")
    lines = spec.data.decode("utf-8").split("\n")
    # An older tool appended the last rows in Windows-1252.
    data = "\n".join(lines[:-6]).encode("utf-8") + b"\n"
    a.set(len(a.rows) - 3, "NAMA", "Iñigo Sánchez")
    tail = "\n".join(line_text(c, ",") for c in a.cells[-5:]) + "\n"
    spec.data = data + tail.encode("cp1252")
    return Case("mixed_utf8_1252", k, a, render(k, "k.csv"), spec)


def _control(name: str, column: str, char: str, outcome: Outcome) -> Builder:
    def build(k: Table, a: Table) -> Case:
        i = a.plain("NAMA", 5)
        v = a.value(i, column)
        a.write(i, column, v[:3] + char + v[3:], outcome)
        return plain_case(name, k, a)

    build.__name__ = name
    return build


for _name, _col, _char, _out in (
    ("nul_in_nama", "NAMA", "\x00", Outcome.LAND),
    ("escape_in_nama", "NAMA", "\x1b", Outcome.LAND),
    ("nul_in_id", "ID_ANGGOTA", "\x00", Outcome.REJECT),
    ("nul_in_nik", "NIK", "\x00", Outcome.REJECT),
    ("bell_in_nik", "NIK", "\x07", Outcome.REJECT),
):
    CASES[_name] = _control(_name, _col, _char, _out)


@case
def nul_in_family_id(k: Table, a: Table) -> Case:
    k.write(4, "ID_KELUARGA", k.value(4, "ID_KELUARGA") + "\x00", Outcome.REJECT)
    return plain_case("nul_in_family_id", k, a)


def _invisible(name: str, char: str) -> Builder:
    def build(k: Table, a: Table) -> Case:
        for i, column in ((2, "NIK"), (5, "ID_ANGGOTA"), (9, "NIK")):
            v = a.value(i, column)
            a.write(i, column, v[:4] + char + v[4:], Outcome.LAND)
        for i, column in ((3, "KODE_WILAYAH"), (6, "ID_KELUARGA"), (8, "NO_KK")):
            v = k.value(i, column)
            k.write(i, column, v[:6] + char + v[6:] + char, Outcome.LAND)
        return plain_case(name, k, a)

    build.__name__ = name
    return build


CASES["zero_width_in_keys"] = _invisible("zero_width_in_keys", "\u200b")
CASES["nbsp_in_keys"] = _invisible("nbsp_in_keys", "\u00a0")
CASES["bom_in_keys"] = _invisible("bom_in_keys", "\ufeff")


@case
def header_repeated(k: Table, a: Table) -> Case:
    half = len(a.rows) // 2
    lines: list[Line] = [
        *range(half),
        "\ufeff" + line_text(a.header, ","),
        *range(half, len(a.rows)),
    ]
    spec = physical_rows(a, "a.csv", lines, prefix=b"\xef\xbb\xbf")
    return Case("header_repeated", k, a, render(k, "k.csv"), spec)


def _dup_nama(name: str, same: bool) -> Builder:
    def build(k: Table, a: Table) -> Case:
        a.header.append("Nama Lengkap")
        for i, (row, cells) in enumerate(zip(a.rows, a.cells, strict=True)):
            nama = cells[a.col("NAMA")]
            cells.append(nama if same or i != 7 else nama + " X")
            row.append(cells[-1])
        c = plain_case(name, k, a)
        if not same:
            c.refused = "a.csv"
        return c

    build.__name__ = name
    return build


CASES["duplicate_nama_same"] = _dup_nama("duplicate_nama_same", True)
CASES["duplicate_nama_differs"] = _dup_nama("duplicate_nama_differs", False)


@case
def unnamed_trailing_columns(k: Table, a: Table) -> Case:
    for t in (k, a):
        t.header += ["", ""]
        for i, (row, cells) in enumerate(zip(t.rows, t.cells, strict=True)):
            extra = ["", "catatan"] if i == 3 else ["", ""]
            row += extra
            cells += extra
    return plain_case("unnamed_trailing_columns", k, a)


def _truncated(name: str, mid_quote: bool) -> Builder:
    def build(k: Table, a: Table) -> Case:
        last = len(a.rows) - 1
        if mid_quote:
            a.set(last, "NAMA", "Sari Dewi, S.Pd.")
        text = line_text(a.cells[last], ",")
        cut = text.index("Sari Dewi,") + 6 if mid_quote else len(text) // 2
        a.outcome[last] = Outcome.REJECT
        spec = render(a, "a.csv", final_eol=False)
        full = line_text(a.cells[last], ",")
        spec.data = spec.data[: len(spec.data) - len(full.encode())] + full[:cut].encode()
        return Case(name, k, a, render(k, "k.csv"), spec)

    build.__name__ = name
    return build


CASES["truncated_mid_field"] = _truncated("truncated_mid_field", False)
CASES["truncated_mid_quote"] = _truncated("truncated_mid_quote", True)


@case
def blank_lines(k: Table, a: Table) -> Case:
    fillers = ["", "   ", "\t", " , ,", ",,,,", ""]
    lines: list[Line] = []
    for i in range(len(a.rows)):
        lines.append(i)
        if i % 9 == 4:
            lines.append(fillers[(i // 9) % len(fillers)])
    return Case("blank_lines", k, a, render(k, "k.csv"), physical_rows(a, "a.csv", lines))


@case
def megabyte_cell(k: Table, a: Table) -> Case:
    i = a.plain("NAMA", 6)
    a.set(i, "NAMA", "Budi " * 210_000)
    a.outcome[i] = Outcome.EITHER
    k.set(5, "ALAMAT", "Jl. Panjang " * 90_000)  # 1 MB of address: past what the registry keeps
    k.outcome[5] = Outcome.EITHER
    return plain_case("megabyte_cell", k, a)


@case
def header_only(k: Table, a: Table) -> Case:
    a.rows, a.cells = [], []
    return plain_case("header_only", k, a)


def _whole_file(name: str, data: bytes, *, refusal_only: bool = True) -> Builder:
    def build(k: Table, a: Table) -> Case:
        c = plain_case(name, k, a)
        c.a_file = FileSpec("a.csv", data or b"", len(a.rows), c.a_file.line_of)
        c.refused = "a.csv"
        c.refusal_allowed = not refusal_only
        return c

    build.__name__ = name
    return build


CASES["zero_byte"] = _whole_file("zero_byte", b"")
CASES["png_named_csv"] = _whole_file(
    "png_named_csv",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    + bytes(range(256)) * 4,
)


@case
def gzip_named_csv(k: Table, a: Table) -> Case:
    c = plain_case("gzip_named_csv", k, a)
    c.a_file.data = gzip.compress(c.a_file.data)
    c.refused = "a.csv"
    c.refusal_allowed = True  # refused in words, or read through: either keeps every row
    return c


@case
def ctrl_z_at_end(k: Table, a: Table) -> Case:
    return plain_case("ctrl_z_at_end", k, a, eol="\r\n", suffix=b"\x1a")


@case
def tab_separated(k: Table, a: Table) -> Case:
    return plain_case("tab_separated", k, a, sep="\t")


@case
def quoted_everything(k: Table, a: Table) -> Case:
    return plain_case("quoted_everything", k, a, quote_all=True)


@case
def lower_case_headers(k: Table, a: Table) -> Case:
    kh = [h.lower().replace("_", " ") for h in k.header]
    ah = [h.lower().replace("_", " ") for h in a.header]
    return Case(
        "lower_case_headers", k, a, render(k, "k.csv", header=kh), render(a, "a.csv", header=ah)
    )


@case
def leading_apostrophe(k: Table, a: Table) -> Case:
    for i in range(0, len(a.rows), 2):
        a.write(i, "NIK", "'" + a.value(i, "NIK"), Outcome.LAND)
    for i in range(0, len(k.rows), 2):
        if k.value(i, "NO_KK"):
            k.write(i, "NO_KK", "'" + k.value(i, "NO_KK"), Outcome.LAND)
        k.write(i, "KODE_WILAYAH", "'" + k.value(i, "KODE_WILAYAH"), Outcome.LAND)
    return plain_case("leading_apostrophe", k, a)


@case
def nik_scientific(k: Table, a: Table) -> Case:
    for i in range(1, len(a.rows), 4):
        nik = a.value(i, "NIK")
        exact = f"{nik[0]}.{nik[1:]}E+15"  # all 16 digits, a final 0 included
        a.write(i, "NIK", exact, Outcome.LAND)
    i = 2
    nik = a.value(i, "NIK")
    a.write(i, "NIK", f"{nik[0]}.{nik[1:6]}E+15", Outcome.REJECT)  # digits lost
    return plain_case("nik_scientific", k, a)


@case
def rows_shuffled(k: Table, a: Table) -> Case:
    rng = random.Random(5)
    ko, ao = list(range(len(k.rows))), list(range(len(a.rows)))
    rng.shuffle(ko)
    rng.shuffle(ao)
    return Case(
        "rows_shuffled",
        k,
        a,
        render(k, "k.csv", lines=list(ko)),
        render(a, "a.csv", lines=list(ao)),
    )


@case
def members_before_family(k: Table, a: Table) -> Case:
    ko = list(reversed(range(len(k.rows))))
    return Case(
        "members_before_family", k, a, render(k, "k.csv", lines=list(ko)), render(a, "a.csv")
    )


@case
def quote_start_last_row(k: Table, a: Table) -> Case:
    i = len(a.rows) - 1
    v = '"' + a.value(i, "NAMA")
    a.set(i, "NAMA", v, Raw(v))
    a.outcome[i] = Outcome.EITHER
    return plain_case("quote_start_last_row", k, a)


@case
def quotes_on_adjacent_rows(k: Table, a: Table) -> Case:
    i = a.plain("NAMA", 8)
    for j in (i, i + 1):
        v = '"' + a.value(j, "NAMA")
        a.set(j, "NAMA", v, Raw(v))
        a.outcome[j] = Outcome.EITHER
    return plain_case("quotes_on_adjacent_rows", k, a)


@case
def stray_quote_beside_multiline(k: Table, a: Table) -> Case:
    k.set(3, "ALAMAT", "Jl. Mawar No. 5\nRT 01")
    k.set(20, "ALAMAT", "Gg. Haji\nNo. 9")
    i = k.plain("ALAMAT", 10)
    v = '"' + k.value(i, "ALAMAT")
    k.set(i, "ALAMAT", v, Raw(v))
    k.outcome[i] = Outcome.EITHER
    return plain_case("stray_quote_beside_multiline", k, a)


@case
def stray_quote_crlf_semicolon(k: Table, a: Table) -> Case:
    i = a.plain("NAMA", 6)
    v = '"' + a.value(i, "NAMA")
    a.set(i, "NAMA", v, Raw(v))
    a.outcome[i] = Outcome.EITHER
    return plain_case("stray_quote_crlf_semicolon", k, a, sep=";", eol="\r\n")


@case
def unquoted_separator(k: Table, a: Table) -> Case:
    i = k.plain("ALAMAT", 4)
    k.write(i, "ALAMAT", Raw("Jl. Mawar, No 5"), Outcome.REJECT)
    return plain_case("unquoted_separator", k, a)


@case
def spaces_around_values(k: Table, a: Table) -> Case:
    for i in range(0, len(a.rows), 5):
        for column in ("ID_ANGGOTA", "ID_KELUARGA", "NIK", "NAMA"):
            a.write(i, column, f"  {a.value(i, column)} ", Outcome.LAND)
    for i in range(0, len(k.rows), 5):
        for column in ("ID_KELUARGA", "NO_KK", "KODE_WILAYAH"):
            k.write(i, column, f" {k.value(i, column)}  ", Outcome.LAND)
    return plain_case("spaces_around_values", k, a)


def _unterminated_tail(name: str, tail: str) -> Builder:
    def build(k: Table, a: Table) -> Case:
        c = plain_case(name, k, a)
        c.a_file.data += tail.encode()
        return c

    build.__name__ = name
    return build


CASES["blank_tail_unterminated"] = _unterminated_tail("blank_tail_unterminated", "   ")
CASES["separators_tail_unterminated"] = _unterminated_tail("separators_tail_unterminated", ",,,,,")


@case
def utf16_bare_cr(k: Table, a: Table) -> Case:
    _accents(k, a)
    return plain_case("utf16_bare_cr", k, a, encoding="utf-16-le", prefix=b"\xff\xfe", eol="\r")


CASES["bom_only"] = _whole_file("bom_only", b"\xef\xbb\xbf")


@case
def stray_quotes_that_pair_up(k: Table, a: Table) -> Case:
    # An opening quote in one name and a closing one in a later name enclose the lines
    # between in one well-formed quoted value of the right width: the worst stray quote.
    i = a.plain("NAMA", 5)
    j = a.plain("NAMA", i + 4)
    for row, v in ((i, '"' + a.value(i, "NAMA")), (j, a.value(j, "NAMA") + '"')):
        a.set(row, "NAMA", v, Raw(v))
        a.outcome[row] = Outcome.EITHER
    return plain_case("stray_quotes_that_pair_up", k, a)


def _with_stray(name: str, **kw: object) -> Builder:
    def build(k: Table, a: Table) -> Case:
        _accents(k, a)
        i = a.plain("NAMA", 7)
        v = '"' + a.value(i, "NAMA")
        a.set(i, "NAMA", v, Raw(v))
        a.outcome[i] = Outcome.EITHER
        return plain_case(name, k, a, **kw)

    build.__name__ = name
    return build


CASES["stray_quote_bare_cr"] = _with_stray("stray_quote_bare_cr", eol="\r")
CASES["stray_quote_utf16"] = _with_stray(
    "stray_quote_utf16", encoding="utf-16-le", prefix=b"\xff\xfe", eol="\r\n"
)
CASES["stray_quote_1252"] = _with_stray("stray_quote_1252", encoding="cp1252")


@case
def nul_padding_one_row(k: Table, a: Table) -> Case:
    # A fixed-width export pads a name with NULs: one row's damage, not a binary file.
    i = a.plain("NAMA", 9)
    a.write(i, "NAMA", a.value(i, "NAMA") + "\x00" * 24, Outcome.EITHER)
    return plain_case("nul_padding_one_row", k, a)


@case
def zeroed_block(k: Table, a: Table) -> Case:
    # A transfer zeroed 40 bytes across the end of one row and the start of the next: the
    # two are one damaged line now; the rows around them are whole.
    c = plain_case("zeroed_block", k, a)
    i = 20
    data = bytearray(c.a_file.data)
    newline = [n for n, b in enumerate(data) if b == 0x0A][i + 1]  # end of data row i
    data[newline - 20 : newline + 20] = bytes(40)
    c.a_file.data = bytes(data)
    c.a_file.rows_read -= 1
    for j in c.a_file.line_of:
        if j > i:
            c.a_file.line_of[j] -= 1
    a.outcome[i] = a.outcome[i + 1] = Outcome.REJECT
    return c


@case
def control_in_header(k: Table, a: Table) -> Case:
    ah = list(a.header)
    ah[a.col("NAMA")] = "NA\x00MA"
    ah[a.col("NIK")] = "\u200bNIK\u00a0"
    kh = list(k.header)
    kh[0] = "\u200bID_KELUARGA"
    return Case(
        "control_in_header", k, a, render(k, "k.csv", header=kh), render(a, "a.csv", header=ah)
    )


@case
def multiline_crlf(k: Table, a: Table) -> Case:
    k.set(3, "ALAMAT", "Jl. Mawar No. 5\r\nRT 01")
    k.set(9, "ALAMAT", "Blok C\r\n\r\nNo. 7")
    return plain_case("multiline_crlf", k, a, eol="\r\n")


@case
def concatenated_without_newline(k: Table, a: Table) -> Case:
    # The first export did not end its last line; the second (BOM, header) is glued to it.
    half = len(a.rows) // 2
    first = Table(a.header, a.rows[:half], a.key, a.cells[:half])
    second = Table(a.header, a.rows[half:], a.key, a.cells[half:])
    one = render(first, "a.csv", final_eol=False)
    two = render(second, "a.csv", prefix=b"\xef\xbb\xbf")
    spec = render(a, "a.csv")
    spec.data = one.data + two.data
    # The glued line is one row (rejected: too many values); the lines after keep their rows.
    a.outcome[half - 1] = Outcome.REJECT
    return Case("concatenated_without_newline", k, a, render(k, "k.csv"), spec)


@case
def header_only_unterminated(k: Table, a: Table) -> Case:
    a.rows, a.cells = [], []
    return plain_case("header_only_unterminated", k, a, final_eol=False, prefix=b"\xef\xbb\xbf")


@case
def quoted_nickname_first(k: Table, a: Table) -> Case:
    # A nickname in quotes at the start of a name: the quote closes before the value ends.
    # CSV reads the opening quotes as quoting: the name lands as `Ucok Fitria`, its
    # letters whole (docs/formats.md); the rows around it are untouched.
    i = a.plain("NAMA", 5)
    v = "Ucok " + a.value(i, "NAMA")
    a.set(i, "NAMA", v, Raw('"Ucok" ' + a.value(i, "NAMA")))
    return plain_case("quoted_nickname_first", k, a)


@case
def stray_quote_in_header(k: Table, a: Table) -> Case:
    ah = list(a.header)
    ah[0] = Raw('"' + ah[0])
    c = Case("stray_quote_in_header", k, a, render(k, "k.csv"), render(a, "a.csv", header=ah))
    c.refused, c.refusal_allowed = "a.csv", True  # refused in words, or read: no row lost
    return c


@case
def utf16_cut_mid_character(k: Table, a: Table) -> Case:
    # A transfer cut short after an odd number of bytes: half a character at the end.
    c = plain_case("utf16_cut_mid_character", k, a, encoding="utf-16-le", prefix=b"\xff\xfe")
    c.a_file.data = c.a_file.data[:-9]  # the last row loses its end and a half character
    a.outcome[len(a.rows) - 1] = Outcome.REJECT
    return c


@case
def excel_sep_hint(k: Table, a: Table) -> Case:
    c = plain_case("excel_sep_hint", k, a, sep=";")
    for spec in (c.k_file, c.a_file):
        spec.data = b"sep=;\n" + spec.data
        spec.line_of = {i: n + 1 for i, n in spec.line_of.items()}
    return c


@case
def title_rows_csv(k: Table, a: Table) -> Case:
    c = plain_case("title_rows_csv", k, a)
    for spec in (c.k_file, c.a_file):
        spec.data = b"DATA DESA SUKAMAJU,,\nDicetak 01-11-2026\n\n" + spec.data
        spec.line_of = {i: n + 3 for i, n in spec.line_of.items()}
    return c


@case
def trailing_separators(k: Table, a: Table) -> Case:
    for t in (k, a):
        for i in range(0, len(t.cells), 3):
            t.cells[i] = [*t.cells[i], "", "", ""]
    return plain_case("trailing_separators", k, a)


@case
def short_rows(k: Table, a: Table) -> Case:
    # Tools that leave off empty trailing cells write rows shorter than the header.
    for t in (k, a):
        for i, cells in enumerate(t.cells):
            while i % 2 and cells and cells[-1] == "":
                cells.pop()
    return plain_case("short_rows", k, a)


@case
def smart_quotes_1252(k: Table, a: Table) -> Case:
    k.set(2, "ALAMAT", "Gg. \u201cMawar\u201d \u2013 blok \u2018A\u2019")
    a.set(4, "NAMA", "Ni\u2019mah")
    return plain_case("smart_quotes_1252", k, a, encoding="cp1252")


# --- XLSX -----------------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)


def workbook(
    table: Table,
    name: str,
    *,
    number_nik: bool = False,
    date_cells: bool = False,
    serial_dates: bool = False,
    title: bool = False,
    hidden_first: bool = False,
    formatted_tail: bool = False,
) -> FileSpec:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if hidden_first:
        sheet.title = "kode"
        sheet.append(["KODE", "LABEL"])
        sheet.append([1, "Laki-laki"])
        sheet.sheet_state = "hidden"
        sheet = book.create_sheet("data")
    first = 1
    if title:
        sheet.append(["DATA DESA " + name.upper()])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.header))
        sheet.append([])
        first = 3
    sheet.append(table.header)
    line_of = {}
    for i, cells in enumerate(table.cells):
        values: list[object] = list(cells)
        for c, h in enumerate(table.header):
            if number_nik and h in ("NIK", "NO_KK") and cells[c]:
                values[c] = int(cells[c])
            if date_cells and h == "TGL_LAHIR" and cells[c]:
                values[c] = dt.datetime.fromisoformat(iso_date(cells[c]))
            if serial_dates and h == "TGL_LAHIR" and cells[c]:  # a number, not a date cell
                values[c] = (dt.date.fromisoformat(iso_date(cells[c])) - EXCEL_EPOCH).days
        sheet.append(values)
        line_of[i] = first + 1 + i
    if formatted_tail:
        from openpyxl.styles import PatternFill

        fill = PatternFill("solid", fgColor="FFFF00")
        for r in range(sheet.max_row + 1, sheet.max_row + 6):
            for c in range(1, len(table.header) + 1):
                sheet.cell(row=r, column=c).fill = fill
    buffer = io.BytesIO()
    book.save(buffer)
    return FileSpec(name, buffer.getvalue(), len(table.cells), line_of)


@case
def xlsx_numbers_and_dates(k: Table, a: Table) -> Case:
    for i in range(len(a.rows)):
        # Excel keeps 15 digits: a 16-digit number ending in 0 may have lost its last digit.
        if a.value(i, "NIK").endswith("0"):
            a.outcome[i] = Outcome.REJECT
    for i in range(len(k.rows)):
        if k.value(i, "NO_KK").endswith("0"):
            k.outcome[i] = Outcome.EITHER  # NO_KK is optional: blanked with a report, or refused
    return Case(
        "xlsx_numbers_and_dates",
        k,
        a,
        workbook(k, "k.xlsx", number_nik=True),
        workbook(a, "a.xlsx", number_nik=True, date_cells=True),
    )


@case
def xlsx_serial_dates(k: Table, a: Table) -> Case:
    return Case(
        "xlsx_serial_dates", k, a, workbook(k, "k.xlsx"), workbook(a, "a.xlsx", serial_dates=True)
    )


@case
def xlsx_title_and_tail(k: Table, a: Table) -> Case:
    return Case(
        "xlsx_title_and_tail",
        k,
        a,
        workbook(k, "k.xlsx", title=True, formatted_tail=True),
        workbook(a, "a.xlsx", title=True, formatted_tail=True),
    )


@case
def xlsx_hidden_sheet_first(k: Table, a: Table) -> Case:
    return Case(
        "xlsx_hidden_sheet_first",
        k,
        a,
        workbook(k, "k.xlsx", hidden_first=True),
        workbook(a, "a.xlsx", hidden_first=True),
    )


def build_case(name: str, keluarga: Table, anggota: Table, tag: str) -> Case:
    k, a = tagged(keluarga, anggota, tag)
    return CASES[name](k, a)


def iter_rows(c: Case) -> Iterator[tuple[str, Table, FileSpec]]:
    yield "keluarga", c.keluarga, c.k_file
    yield "anggota", c.anggota, c.a_file


__all__ = [
    "CASES",
    "Case",
    "Outcome",
    "Table",
    "build_case",
    "iter_rows",
    "read_clean",
    "render",
]
