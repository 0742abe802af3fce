"""Synthetic DTKS/DTSEN registry data with ground truth, for demos, tests and benchmarks.

``generate(SynthConfig(...), outdir)`` writes ``keluarga.csv`` and ``anggota.csv`` in the
exchange layouts of docs/formats.md, ``truth_keluarga.csv`` and ``truth_anggota.csv`` saying who is
who and what a correct importer must do with each row, and optionally survey-style files
(``survey_keluarga.csv``, ``survey_anggota.csv``, ``truth_survey_keluarga.csv``) with measured
consumption for fitting proxy-means-test (PMT) models (drawn in a random stream of their
own, so the registry files of a seed are the same with or without them), and a sample
``kuota.csv`` for the generated kecamatan. Same config and seed, same bytes.

The generative model
--------------------
1. **Where.** Every family lives in a real desa/kelurahan (from ``lokal``) under the chosen
   kab/kota, or spread over a province's kab/kota. Villages get log-normal sizes; kelurahan
   (urban) are bigger.
2. **Permanent welfare.** Each family has a latent permanent log-welfare: kab, kecamatan and
   desa random effects, an urban premium, a family-type effect (female-headed and
   elderly-alone families are poorer) and a household term. Its standardised value drives
   everything a surveyor can observe.
3. **Composition.** Family types: couple (with or without children), single mother, single
   father, elderly alone, young single. Children are births to the mother figure, spaced by
   realistic intervals, fewer in richer families and older cohorts' more numerous; grown
   children leave with a probability rising with age. Some families add an elderly parent,
   a menantu with grandchildren, household help or another relative. Mean size about 3.4;
   poor families are larger (about 4.8, as in BPS figures).
4. **People.** Marital status, school participation and diploma follow age, birth cohort
   and family welfare; work status is a logit on welfare (ASN and TNI/Polri need SMA and
   working age, pensioners are older and richer); disability (about 2.5 %), chronic illness
   rising with age, pregnancy among married women 18-45.
5. **Identity.** NIKs encode the kecamatan of first registration (usually home; some adults
   registered in another kecamatan or kab of the province), the birth date (+40 for women)
   and a serial unique per (kecamatan, date), so distinct people never share a NIK. NO_KK
   is the family's kecamatan, an issue date and a serial. Names come from Faker's ``id_ID``
   lists mixed with very frequent names (Siti, Muhammad, Nur, Sri, Ahmad...), one to three
   tokens, older cohorts' single Javanese/Sundanese names, Hajj titles and degrees on some
   adults, ``bin``/``binti`` patronymics; children's NAMA_IBU_KANDUNG is their mother's name.
6. **Consumption.** log consumption per capita = calibration constant + permanent welfare
   - 0.30 log(family size) + a transitory shock no proxy can see. The constant is set so
   that ``poverty_rate`` (10 %) of families fall below ``poverty_line`` (Rp 595,242).
7. **Proxies.** Tenure, floor area, floor/wall/roof material, water, lighting, power,
   cooking fuel, toilet, the ten assets, land and livestock are ordered-probit draws on
   permanent welfare with moderate loadings, so a PMT fitted on them reaches an R² of about
   0.55, not 0.99: the transitory shock and proxy noise leave realistic targeting errors.
   Survey consumption is the true value times log-normal measurement noise.
8. **Faults** (rates in ``SynthConfig`` or a preset): duplicate registrations (same family,
   another family, or a whole family registered twice) with NIK typos, name variants,
   birth-date variants or blank NIKs; blank NIKs; Excel damage of NIK and NO_KK
   (recoverable, or digits lost); invalid rows (malformed NIKs, missing family, unknown
   codes, impossible dates, non-existent KODE_WILAYAH). Each row's faults and the
   expected outcome (``land``, ``repair``, ``reject``) are in the truth files. Accepted form
   variants (dotted region codes, DD-MM-YYYY dates) are not faults.
"""

from terpadu.synth.config import PRESETS, FaultPreset, FaultRates, SynthConfig

TYPE_CHECKING = False
if TYPE_CHECKING:
    from terpadu.synth.generate import SynthSummary, generate


def __getattr__(name: str) -> object:
    # The generator pulls in numpy and Faker: load it only when used, so the
    # CLI starts fast for every other command.
    if name in {"SynthSummary", "generate"}:
        import importlib

        module = importlib.import_module("terpadu.synth.generate")
        # Importing the submodule bound the package attribute "generate" to the
        # module; bind the public names to the function and class instead.
        globals().update(generate=module.generate, SynthSummary=module.SynthSummary)
        return globals()[name]
    raise AttributeError(name)


__all__ = ["PRESETS", "FaultPreset", "FaultRates", "SynthConfig", "SynthSummary", "generate"]
