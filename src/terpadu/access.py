"""Who may do what, where: actors, roles, permissions, NIK masking and region scope.

An :class:`Actor` is a username acting in a role over a region: the web maps a
logged-in user to one, and so does the CLI for the account it runs as
(``terpadu login`` or ``TERPADU_TOKEN``; :mod:`terpadu.cli.account`). A region scope is a region code
and everything below it (:func:`terpadu.regions.is_within`); national roles may
have no region (the whole country).

Disclosure (what of a person reaches a reader): roles that register, verify or
approve people's data in their own region (``operator_desa``,
``verifikator_kab``, ``admin_provinsi``) see everything. ``analis_pusat``,
``auditor`` and ``admin_sistem`` get the masked :class:`Disclosure`, because masking the NIK alone
does not hold: a NIK is the kecamatan code (6 digits), the birth date
(DDMMYY, DD+40 for women) and a 4-digit serial, so a masked ``3604********0001``
beside the member's full region code, birth date and sex gives the hidden
digits back. For them:

* NIK and KK number: ``3604********0001`` (kab/kota and serial only);
* birth date: the year only (age bands and cohorts need no more);
* region: down to kabupaten/kota (4 digits). National analysis and audit
  compare kab/kota (quotas, coverage, poverty profiles are set there); the
  kecamatan digits are the NIK's first hidden part, so they stay hidden;
* mother's name, address, RT and RW: hidden (they identify, and no national
  analysis uses them);
* free text (notes, comments) shown to them: any 16-digit run masked like a NIK;
* a full 16-digit NIK/KK search is refused (:class:`NumberLookupRefused`): an
  exact look-up confirms a guessed NIK, which undoes the masking.

Aggregates (counts per region, desil shares, poverty profiles) are not personal
and keep their full region codes.

Accounts: ``manage_users`` lets an ``admin_provinsi`` manage the accounts within
its province and the national ``admin_sistem`` manage every account
(:mod:`terpadu.accounts.admin`); ``admin_sistem`` changes nothing in the registry
and gets the masked disclosure.

The web, the CLI and the domain ask here; none of them keeps its own copy.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

from terpadu.errors import TerpaduError
from terpadu.files import InputLimits, clean_table, read_table
from terpadu.layouts import KELUARGA_COLUMNS
from terpadu.locale import code_label, section, text
from terpadu.regions import RegionCodeError, is_within, normalize_code

if TYPE_CHECKING:
    import polars as pl

OPERATOR_DESA: Final = "operator_desa"
VERIFIKATOR_KAB: Final = "verifikator_kab"
ADMIN_PROVINSI: Final = "admin_provinsi"
ANALIS_PUSAT: Final = "analis_pusat"
AUDITOR: Final = "auditor"
ADMIN_SISTEM: Final = "admin_sistem"
# Social services: the SLRT (kab/kota) or Puskesos (village) front office, which receives
# complaints and referrals and opens cases, and the caseworker (pekerja sosial, Sakti
# Peksos) who works on the PPKS cases assigned to them.
PETUGAS_SLRT: Final = "petugas_slrt"
PEKERJA_SOSIAL: Final = "pekerja_sosial"

ROLES: Final[tuple[str, ...]] = (
    OPERATOR_DESA,
    VERIFIKATOR_KAB,
    ADMIN_PROVINSI,
    ANALIS_PUSAT,
    AUDITOR,
    ADMIN_SISTEM,
    PETUGAS_SLRT,
    PEKERJA_SOSIAL,
)
ROLE_LABELS: Final[dict[str, str]] = {
    OPERATOR_DESA: "operator desa/kelurahan",
    VERIFIKATOR_KAB: "verifikator kabupaten/kota",
    ADMIN_PROVINSI: "admin provinsi",
    ANALIS_PUSAT: "analis pusat",
    AUDITOR: "auditor",
    ADMIN_SISTEM: "admin sistem",
    PETUGAS_SLRT: "petugas SLRT/Puskesos",
    PEKERJA_SOSIAL: "pekerja sosial",
}
# Roles whose scope may be the whole country (no region code).
NATIONAL_ROLES: Final = frozenset({ANALIS_PUSAT, AUDITOR, ADMIN_SISTEM})

Permission = Literal[
    "see_full_nik", "import", "propose", "read_only", "manage_users", "run_jobs", "publish"
]
# Which roles hold each permission ("read_only": may look but change nothing).
_PERMISSIONS: Final[Mapping[Permission, frozenset[str]]] = {
    # The front office and caseworkers serve people face to face, in their own region, and
    # match them by NIK; they see what the registering roles see.
    "see_full_nik": frozenset(
        {OPERATOR_DESA, VERIFIKATOR_KAB, ADMIN_PROVINSI, PETUGAS_SLRT, PEKERJA_SOSIAL}
    ),
    "import": frozenset({OPERATOR_DESA, VERIFIKATOR_KAB, ADMIN_PROVINSI}),
    "propose": frozenset({OPERATOR_DESA}),
    "read_only": frozenset({AUDITOR, ANALIS_PUSAT, ADMIN_SISTEM}),
    # Accounts: a province admin within its province, the system admin everywhere.
    "manage_users": frozenset({ADMIN_PROVINSI, ADMIN_SISTEM}),
    # Registry-wide jobs: linkage and its review, Dukcapil checks, ranking, targeting, payments.
    "run_jobs": frozenset({VERIFIKATOR_KAB, ADMIN_PROVINSI}),
    # Freezing an edition of the registry.
    "publish": frozenset({ADMIN_PROVINSI}),
}


class PermissionDenied(TerpaduError):
    """The actor's role or region does not allow this action.

    A role refusal (:meth:`Actor.require_role`) has the code ``role_refused`` and its data:
    the actor's ``role``, the ``action`` (a key of ``locale/messages/actions.yaml``), the
    ``allowed`` roles and the action's ``details``; :meth:`data_in` words them in the
    reader's language. Region refusals and the like stay free text.
    """

    code = "permission_denied"

    def data_in(self, language: str) -> dict[str, Any]:
        if self.code != ROLE_REFUSED:
            return self.data
        roles: tuple[str, ...] = self.data["allowed"]
        return {
            "role": code_label("role", self.data["role"], language),
            "action": action_words(self.data["action"], language, **self.data["details"]),
            "allowed": ", ".join(code_label("role", r, language) for r in roles),
        }


#: The code of a refusal by role (its words: ``errors.role_refused``).
ROLE_REFUSED: Final = "role_refused"
#: The catalogue area of the actions a role may be refused (``doing=``).
ACTIONS_AREA: Final = "actions"


def action_key(doing: str) -> str | None:
    """The catalogue key of an action: ``doing`` itself when it is one, else the key whose
    Bahasa Indonesia words are ``doing`` (a caller still passing words); ``None`` if neither."""
    actions = section(ACTIONS_AREA)
    if doing in actions:
        return doing
    return next((key for key, entry in actions.items() if entry["id"] == doing), None)


def action_words(doing: str, language: str, /, **details: str) -> str:
    """What was refused, in ``language`` (an action the catalogue lacks stays as given)."""
    key = action_key(doing)
    return doing if key is None else text(f"{ACTIONS_AREA}.{key}", language, **details)


class HasRole(Protocol):
    """Anyone acting in a role: an :class:`Actor`, the web's logged-in user."""

    @property
    def role(self) -> str: ...


def allows(role: str, permission: Permission) -> bool:
    """True when ``role`` holds ``permission``."""
    return role in _PERMISSIONS[permission]


def covers(region: str | None, code: str | None) -> bool:
    """True when ``code`` lies within the scope ``region`` (``None``: the whole country)."""
    if region is None:
        return True
    return code is not None and is_within(code, region)


@dataclass(frozen=True, slots=True)
class Actor:
    """A user acting in a role over a region (``None`` region: the whole country)."""

    username: str
    role: str
    region: str | None = None

    def __post_init__(self) -> None:
        if not self.username.strip():
            raise PermissionDenied("Nama pengguna kosong.")
        if self.role not in ROLES:
            raise PermissionDenied(
                f"Peran '{self.role}' tidak dikenal; pilih salah satu: {', '.join(ROLES)}."
            )
        if self.region in (None, "", "nasional"):
            if self.role not in NATIONAL_ROLES:
                raise PermissionDenied(
                    f"Peran {ROLE_LABELS[self.role]} harus punya kode wilayah (--region)."
                )
            object.__setattr__(self, "region", None)
            return
        try:
            object.__setattr__(self, "region", normalize_code(str(self.region)))
        except RegionCodeError as exc:
            raise PermissionDenied(str(exc)) from exc

    def covers(self, code: str | None) -> bool:
        """True when ``code`` lies within this actor's region."""
        return covers(self.region, code)

    def require_region(self, code: str | None) -> None:
        """Raise :class:`PermissionDenied` unless ``code`` is within the actor's region."""
        if not self.covers(code):
            raise PermissionDenied(
                f"Wilayah {code or '-'} di luar wilayah kerja {self.username} ({self.region})."
            )

    def require(self, permission: Permission, *, doing: str, **details: str) -> None:
        """Raise :class:`PermissionDenied` unless the actor's role holds ``permission``."""
        self.require_role(*sorted(_PERMISSIONS[permission]), doing=doing, **details)

    def require_role(self, *roles: str, doing: str, **details: str) -> None:
        """Raise :class:`PermissionDenied` unless the actor has one of ``roles``.

        ``doing``: the refused action, a key of ``locale/messages/actions.yaml``;
        ``details`` fill its words (``doing="run_command", command="link"``).
        """
        if self.role not in roles:
            raise PermissionDenied(
                code=ROLE_REFUSED, role=self.role, action=doing, allowed=roles, details=details
            )


def mask_nik(nik: str | None) -> str | None:
    """``3604051507870001`` → ``3604********0001``; other lengths keep only the last 4 digits."""
    if not nik:
        return nik
    if len(nik) == 16:
        return f"{nik[:4]}{'*' * 8}{nik[-4:]}"
    return "*" * max(len(nik) - 4, 0) + nik[-4:]


def show_nik(viewer: HasRole, nik: str | None) -> str | None:
    """The NIK as ``viewer`` may see it."""
    return nik if allows(viewer.role, "see_full_nik") else mask_nik(nik)


class NumberLookupRefused(TerpaduError):
    """A full NIK or KK search by a reader who sees them masked (it would confirm a guess)."""

    code = "number_lookup_refused"


FieldKind = Literal["nik", "kk", "birth_date", "region", "hidden"]
# Personal fields by name (registry columns, proposal payloads, export headers, any case).
PERSONAL_FIELDS: Final[Mapping[str, FieldKind]] = {
    "nik": "nik",
    "nik_penerima": "nik",
    "no_kk": "kk",
    "tgl_lahir": "birth_date",
    "kode_wilayah": "region",
    "nama_ibu_kandung": "hidden",
    "alamat": "hidden",
    "rt": "hidden",
    "rw": "hidden",
}
# Digits of a region code a masked reader sees: kabupaten/kota.
MASKED_REGION_DIGITS: Final = 4
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


@dataclass(frozen=True, slots=True)
class Disclosure:
    """What of a person one reader may see; every face shows personal data through one.

    ``full``: everything as stored. Otherwise the masked view described in the
    module's docstring. Each method takes a stored value and gives the shown one.
    """

    full: bool

    def nik(self, value: str | None) -> str | None:
        return value if self.full else mask_nik(value)

    def kk(self, value: str | None) -> str | None:
        return value if self.full else mask_nik(value)

    def birth_date(self, value: dt.date | str | None) -> str | None:
        """ISO date, or the year only."""
        if value is None or value == "":
            return None
        shown = value.isoformat() if isinstance(value, dt.date) else str(value)
        return shown if self.full else shown[:4]

    def region(self, code: str | None) -> str | None:
        """The region code, or its kabupaten/kota."""
        if self.full or not code:
            return code
        return str(code).replace(".", "")[:MASKED_REGION_DIGITS]

    def hidden(self, value: Any) -> Any:
        """A field masked readers never see (mother's name, address)."""
        return value if self.full else None

    def text(self, value: str | None) -> str | None:
        """Free text with any 16-digit number (a NIK or KK typed in a note) masked."""
        if self.full or not value:
            return value
        return _SIXTEEN_DIGITS.sub(lambda m: mask_nik(m.group(0)) or "", value)

    @property
    def may_look_up_numbers(self) -> bool:
        """Whether a full NIK/KK search is allowed (an exact look-up confirms a guess)."""
        return self.full

    def field(self, name: str, value: Any) -> Any:
        """``value`` of the field ``name`` as shown (fields not personal unchanged, free text
        scrubbed)."""
        if self.full:
            return value
        kind = PERSONAL_FIELDS.get(name.lower())
        if kind is None:
            return self.text(value) if isinstance(value, str) else value
        if value is None:
            return None
        if kind == "nik":
            return self.nik(str(value))
        if kind == "kk":
            return self.kk(str(value))
        if kind == "birth_date":
            return self.birth_date(value)
        if kind == "region":
            return self.region(str(value))
        return None

    def record(self, value: Any) -> Any:
        """A nested record (a proposal's payload or result: dicts, lists) as shown.

        A personal field's value is masked, also inside ``{"old": …, "new": …}`` of a
        correction; other strings have 16-digit runs masked.
        """
        if self.full:
            return value
        if isinstance(value, dict):
            out: dict[Any, Any] = {}
            for key, item in value.items():
                name = str(key).lower()
                if name in PERSONAL_FIELDS and isinstance(item, dict):
                    out[key] = {k: self.field(name, v) for k, v in item.items()}
                elif name in PERSONAL_FIELDS:
                    out[key] = self.field(name, item)
                else:
                    out[key] = self.record(item)
            return out
        if isinstance(value, list | tuple):
            return [self.record(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def frame(self, frame: pl.DataFrame) -> pl.DataFrame:
        """A table about to be written (export, BNBA, CSV) with its personal columns masked;
        columns are recognised by name in any case."""
        if self.full:
            return frame
        import polars as pl

        changes = []
        for column in frame.columns:
            kind = PERSONAL_FIELDS.get(column.lower())
            if kind is None:
                continue
            if kind == "hidden":
                changes.append(pl.lit(None, dtype=frame.schema[column]).alias(column))
                continue
            text_col = pl.col(column).cast(pl.Utf8)
            if kind in ("nik", "kk"):
                changes.append(
                    pl.when(text_col.str.len_chars() == 16)
                    .then(text_col.str.slice(0, 4) + pl.lit("*" * 8) + text_col.str.slice(12, 4))
                    .otherwise(text_col.map_elements(mask_nik, return_dtype=pl.Utf8))
                    .alias(column)
                )
            elif kind == "birth_date":
                changes.append(text_col.str.slice(0, 4).alias(column))
            else:
                changes.append(
                    text_col.str.replace_all(".", "", literal=True)
                    .str.slice(0, MASKED_REGION_DIGITS)
                    .alias(column)
                )
        return frame.with_columns(changes) if changes else frame


FULL_DISCLOSURE: Final = Disclosure(full=True)
MASKED_DISCLOSURE: Final = Disclosure(full=False)


def disclosure(viewer: HasRole | str) -> Disclosure:
    """The disclosure of a role (or of anyone acting in one)."""
    role = viewer if isinstance(viewer, str) else viewer.role
    return FULL_DISCLOSURE if allows(role, "see_full_nik") else MASKED_DISCLOSURE


def require_import_region(
    actor: Actor, keluarga: Path, sheet: str | None = None, limits: InputLimits | None = None
) -> None:
    """Refuse a keluarga file with families outside the actor's region.

    An operator cannot load another desa's families; a national actor may load any.
    ``limits``: the input limits the file is read under (default: the settings').
    """
    if actor.region is None:
        return
    raw = read_table(keluarga, sheet, report_long_rows=True, limits=limits)
    clean = clean_table(raw, KELUARGA_COLUMNS, dt.date.today())
    if "kode_wilayah" not in clean.values.columns:
        return
    codes = clean.values["kode_wilayah"].drop_nulls().unique().to_list()
    outside = sorted(c for c in codes if not str(c).startswith(actor.region))
    if outside:
        shown = ", ".join(outside[:5])
        raise PermissionDenied(
            f"Berkas memuat keluarga di luar wilayah kerja Anda ({actor.region}): {shown}"
            f"{' …' if len(outside) > 5 else ''}. Impor dibatalkan."
        )


__all__ = [
    "ADMIN_PROVINSI",
    "ADMIN_SISTEM",
    "ANALIS_PUSAT",
    "AUDITOR",
    "FULL_DISCLOSURE",
    "MASKED_DISCLOSURE",
    "NATIONAL_ROLES",
    "OPERATOR_DESA",
    "PEKERJA_SOSIAL",
    "PERSONAL_FIELDS",
    "PETUGAS_SLRT",
    "ROLES",
    "ROLE_LABELS",
    "ROLE_REFUSED",
    "VERIFIKATOR_KAB",
    "Actor",
    "Disclosure",
    "NumberLookupRefused",
    "PermissionDenied",
    "action_key",
    "action_words",
    "allows",
    "covers",
    "disclosure",
    "mask_nik",
    "require_import_region",
    "show_nik",
]
