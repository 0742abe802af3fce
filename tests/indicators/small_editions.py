"""A small registry written row by row, published as editions, with a ranking and
enrolments on each: what the indicator tests compute by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from terpadu.editions import publish_edition
from terpadu.store.models import Family, Membership, Person
from terpadu.store.models.targeting import Enrolment, TargetingRun
from terpadu.store.models.verval import Edition
from terpadu.store.models.welfare import FamilyWelfare, WelfareRun

DESA_A = "3604052001"  # Kramatwatu, kab. Serang
DESA_B = "3604052002"  # Margasana, same kecamatan
DESA_C = "3603011001"  # Balaraja, kab. Tangerang


@dataclass
class Registry:
    """Families and persons added in order; ids as the database gave them."""

    engine: Engine
    editions_dir: Path
    families: dict[str, int] = field(default_factory=dict)
    rows: int = 0

    def family(self, key: str, desa: str, *, updated: dt.datetime | None = None) -> int:
        self.rows += 1
        when = updated or dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
        with Session(self.engine) as session, session.begin():
            family = Family(
                batch_id=1,
                file_id=1,
                row_number=self.rows,
                source_id=1,
                source_key=key,
                kode_wilayah=desa,
                created_at=when,
                updated_at=when,
            )
            session.add(family)
            session.flush()
            self.families[key] = family.id
        return self.families[key]

    def person(
        self,
        family: str,
        nik: str | None,
        born: dt.date | None,
        *,
        sex: int | None = 1,
        hub: int | None = 1,
        school: int | None = None,
        education: int | None = 1,
    ) -> int:
        self.rows += 1
        with Session(self.engine) as session, session.begin():
            person = Person(
                batch_id=1,
                file_id=1,
                row_number=self.rows,
                source_id=1,
                source_key=f"p{self.rows}",
                nik=nik,
                nama=f"Orang {self.rows}",
                jenis_kelamin=sex,
                tgl_lahir=born,
                hub_keluarga=hub,
                partisipasi_sekolah=school,
                pendidikan_tertinggi=education,
            )
            session.add(person)
            session.flush()
            session.add(
                Membership(person_id=person.id, family_id=self.families[family], hub_keluarga=hub)
            )
            return person.id

    def change(self, key: str, **values: object) -> None:
        with Session(self.engine) as session, session.begin():
            family = session.get(Family, self.families[key])
            assert family is not None
            for name, value in values.items():
                setattr(family, name, value)

    def publish(self, period: str, desil: dict[str, int], enrolled: dict[str, list[str]]) -> int:
        """Publish ``period``; rank it (``desil`` by family key) and enrol (programme → keys)."""
        publish_edition(self.engine, period, editions_dir=self.editions_dir)
        now = dt.datetime.now(dt.UTC)
        with Session(self.engine) as session, session.begin():
            edition = session.scalars(select(Edition).where(Edition.period == period)).one()
            run = WelfareRun(
                model_version="t",
                model_kind="ols",
                model_sha256="0" * 64,
                engine="duckdb",
                snapshot_sha256="0" * 64,
                reference_date=now.date(),
                deprivation_config="",
                deprivation_sha256="0" * 64,
                edition_id=edition.id,
            )
            session.add(run)
            session.flush()
            for key, value in desil.items():
                session.add(
                    FamilyWelfare(
                        run_id=run.id,
                        family_id=self.families[key],
                        model_version="t",
                        ranked_at=now,
                        edition_id=edition.id,
                        kode_provinsi="36",
                        kode_kabkota="3604",
                        pmt_score=1.0,
                        persentil=value * 10,
                        desil=value,
                        rank_nasional=1,
                        rank_provinsi=1,
                        rank_kabkota=1,
                        skor_deprivasi=0.0,
                        skor_dimensi="{}",
                        miskin_multidimensi=0,
                    )
                )
            for program, keys in enrolled.items():
                targeting = TargetingRun(
                    program=program,
                    program_version="1",
                    program_sha256="0" * 64,
                    program_config="",
                    period=period,
                    reference_date=now.date(),
                    engine="duckdb",
                    edition_id=edition.id,
                    edition_period=period,
                    snapshot_sha256="0" * 64,
                    enrolled_sha256="0" * 64,
                )
                session.add(targeting)
                session.flush()
                for rank, key in enumerate(keys, 1):
                    session.add(
                        Enrolment(
                            run_id=targeting.id,
                            program=program,
                            program_version="1",
                            period=period,
                            family_id=self.families[key],
                            kode_wilayah=DESA_A,
                            kuota_wilayah=DESA_A,
                            peringkat=rank,
                            nominal=1,
                        )
                    )
            return edition.id
