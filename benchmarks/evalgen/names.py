"""Person names as a kabupaten's registry holds them, drawn per ethnic naming tradition.

The lists are written for this generator alone and are skewed on purpose: a few words (SITI,
NUR, MUHAMMAD, SRI, common Javanese names) cover a large share of a real registry, which is
what makes people of one desa hard to tell apart. Names are held in capitals, the form most
desa operators type; the registrations' own spelling is decided later by the faults.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Ethnic naming traditions; a household draws one from its province's mix.
JAWA, SUNDA, MUSLIM, BATAK, MINANG, BUGIS, TIONGHOA, BALI, PAPUA = range(9)
ETHNIC_LABELS = ("jawa", "sunda", "muslim", "batak", "minang", "bugis", "tionghoa", "bali", "papua")
MUSLIM_TRADITIONS = (JAWA, SUNDA, MUSLIM, MINANG, BUGIS)

# Province (2 digits) -> share of each tradition. Rough, deliberately not census figures.
_PROVINCE_MIX: dict[str, dict[int, float]] = {
    "java_west": {
        SUNDA: 0.55,
        JAWA: 0.18,
        MUSLIM: 0.17,
        BATAK: 0.03,
        MINANG: 0.03,
        TIONGHOA: 0.03,
        BUGIS: 0.01,
    },
    "java": {
        JAWA: 0.70,
        MUSLIM: 0.20,
        SUNDA: 0.03,
        TIONGHOA: 0.03,
        BATAK: 0.01,
        MINANG: 0.01,
        BALI: 0.01,
        BUGIS: 0.01,
    },
    "sumut": {BATAK: 0.50, MUSLIM: 0.22, JAWA: 0.16, TIONGHOA: 0.06, MINANG: 0.06},
    "sumbar": {MINANG: 0.80, MUSLIM: 0.10, JAWA: 0.07, BATAK: 0.03},
    "sumatra": {MUSLIM: 0.50, JAWA: 0.30, MINANG: 0.09, BATAK: 0.05, TIONGHOA: 0.05, SUNDA: 0.01},
    "bali": {BALI: 0.86, JAWA: 0.09, MUSLIM: 0.05},
    "sulawesi": {BUGIS: 0.60, MUSLIM: 0.25, JAWA: 0.10, TIONGHOA: 0.05},
    "papua": {PAPUA: 0.65, JAWA: 0.14, BUGIS: 0.11, MUSLIM: 0.10},
    "other": {MUSLIM: 0.50, JAWA: 0.28, BUGIS: 0.10, TIONGHOA: 0.05, BATAK: 0.04, SUNDA: 0.03},
}


def province_mix(province: str) -> dict[int, float]:
    """The naming-tradition mix used for households of one province."""
    p = int(province)
    if p in (31, 32, 36):
        return _PROVINCE_MIX["java_west"]
    if p in (33, 34, 35):
        return _PROVINCE_MIX["java"]
    if p == 12:
        return _PROVINCE_MIX["sumut"]
    if p == 13:
        return _PROVINCE_MIX["sumbar"]
    if 11 <= p <= 21:
        return _PROVINCE_MIX["sumatra"]
    if p == 51:
        return _PROVINCE_MIX["bali"]
    if 71 <= p <= 76:
        return _PROVINCE_MIX["sulawesi"]
    if p >= 91:
        return _PROVINCE_MIX["papua"]
    return _PROVINCE_MIX["other"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Lists are in rough order of frequency: the weights below fall with the position.
JAWA_MALE_OLD = _words(
    "SLAMET SUPARMAN SUGENG SUKARDI SUTRISNO MULYONO DARSONO KASMAN KARTO PAIMIN SUMARNO "
    "SUDARNO RASIMAN WAGIMAN TARMIN KASIDI SUPRIYADI SARIMIN TUKIMAN JUMADI SUKIRNO SAMIDI "
    "DARMO KUSNO NGATIMAN PARJO SUWARNO SUMADI RAMELAN TAKRIM CASMADI WARSITO SOEKIRMAN "
    "DJOKO SOEPARDI TJIPTO KARSO WIRYO MARTO SASTRO SUPENO"
)
JAWA_MALE_MID = _words(
    "AGUS BUDI JOKO BAMBANG EKO HERU WAHYUDI SUSANTO HARIYANTO PURWANTO TEGUH SUGIYANTO "
    "SURYADI DWI TRI BAYU ARIF KUSWANTO PRIYONO NUGROHO SETIAWAN WIDODO HARTONO YULIANTO "
    "SUYANTO PRASETYO SUGIANTO WARSONO TOTOK DIDIK GATOT SARWONO SUNARTO RUDI ANTON"
)
JAWA_FEMALE_OLD = _words(
    "SRI SUMINAH PAINEM SULASTRI SUMARNI WARTINI RUKMINI KASMINAH TUMINAH SAMINAH PARTINAH "
    "SUPARMI SUKINAH WAGIYEM TUGIYEM SUPINAH KARSIH WARSIH DARMI TARSIH RASINAH CASMINI "
    "SOEMARNI NGATINAH MARYATI SUWARNI KATMI SATINAH JUMIATI SUTINAH"
)
JAWA_FEMALE_MID = _words(
    "SRI ENDANG TRI DWI RETNO SUSI WAHYUNI YULIANI SETYOWATI LESTARI RAHAYU SUSANTI "
    "PURWANTI SUGIARTI SURYANI WINARSIH SUPRIYATIN KUSRINI HARYATI ISTIQOMAH MUJIATI "
    "NINGSIH TITIK ANIK ENI YUYUN WIWIK UMI SITI TUTI"
)
JAWA_SECOND_M = _words(
    "HARTONO SANTOSO SETIAWAN NUGROHO PRASETYO WIBOWO SAPUTRO PURNOMO HIDAYAT SUSILO UTOMO "
    "WIJAYANTO KURNIAWAN SUPRAPTO RIYANTO PAMUNGKAS"
)
JAWA_SECOND_F = _words(
    "WAHYUNI LESTARI RAHAYU SUSANTI MULYANI ASTUTI HANDAYANI PRIHATIN NINGSIH WATI YANTI "
    "SURYANI RAHMAWATI"
)
SUNDA_MALE = _words(
    "ASEP UJANG DEDE CECEP YAYAT DADANG ENDANG ADE AGUS JAJANG OMAN UDIN ENCEP ENJANG "
    "DODI HENDRA ACENG EMAN IWAN ROHMAT TATANG UJU KOSASIH SUHERMAN DEDI ATENG DUDUNG"
)
SUNDA_FEMALE = _words(
    "EUIS NENENG IIS NINING ENOK ENENG YAYAH CUCU TITIN EEN NANI IMAS ELIS LILIS KOKOM "
    "ENTIN OOM EPON YATI TETI NENG EUM RINI ATIKAH HERLINA"
)
SUNDA_SECOND_M = _words(
    "SUPRIATNA KUSNADI SOBANDI RUSTANDI SUHENDAR SUKMANA PERMANA HIDAYAT MULYANA SETIADI "
    "SAEPUDIN KOMARUDIN SUDRAJAT HERMAWAN"
)
SUNDA_SECOND_F = _words("ROHAENI NURHAYATI KURNIASIH SUMIATI ROSITA MARLINA RUKMINI")
MUSLIM_MALE = _words(
    "HASAN ALI ABDULLAH YUSUF IBRAHIM HUSEIN RAHMAT HIDAYAT ARIFIN SYAIFUL ZAINAL RIDWAN "
    "SYAMSUL MASRUKHAN KHOIRUL NURHADI FAUZI MUKHLIS ANWAR JUNAIDI SAIFUDIN MAHMUD "
    "ZAKARIA ISMAIL ROSYID ASROFI MUHTAROM KHUSNUL AMIN HAMID SHOLEH MUNIR IMRON"
)
MUSLIM_MALE_PREFIX = _words("MUHAMMAD MUHAMMAD MUHAMMAD AHMAD ABDUL NUR MOCH")
MUSLIM_FEMALE = _words(
    "AMINAH FATIMAH KHADIJAH AISYAH MASRUROH ROHMAH ZAENAB MARYAM NURHAYATI SOLIHAH "
    "MUNAWAROH MUTMAINAH KHOIRIYAH HALIMAH ROFIAH SHOLIKHAH ULFAH NURJANAH SALAMAH "
    "HASANAH AINUN FAUZIAH ZULAIKHA JUWARIYAH MUSLIMAH"
)
MUSLIM_FEMALE_PREFIX = _words("SITI SITI SITI SITI NUR NUR DEWI")
MUSLIM_SECOND_M = _words(
    "HIDAYAT RAHMAN HAKIM FAUZI ROHMAN AZIZ MAULANA ANSHORI FIRDAUS HAMZAH ALAWI MUBAROK AMINUDDIN"
)
MUSLIM_SECOND_F = _words("NURHASANAH NURJANAH KHASANAH ZAHRO FITRIYAH ISLAMIYAH AZIZAH MAULIDA")
YOUNG_MALE = _words(
    "MUHAMMAD RIZKY ADITYA DIMAS FAJAR ILHAM ALDI RAFI FARHAN REZA BAGUS DAFFA GILANG "
    "RAIHAN AKBAR BIMA YOGA ARYA HAFIZ NAUFAL FIKRI ZAKI KEVIN DENI ANDIKA"
)
YOUNG_FEMALE = _words(
    "PUTRI AULIA NABILA DINDA AYU ANISA SALSABILA NAYLA ZAHRA AISYAH KEYSHA INDAH DEWI "
    "FITRI RATNA NOVITA DIAN AMELIA SAFITRI CAHYA LAILA NURUL SITI ALYA INTAN"
)
YOUNG_SECOND_M = _words(
    "PRATAMA SAPUTRA RAMADHAN MAULANA NUGRAHA FIRMANSYAH HIDAYAT AL-FATIH PUTRA KURNIAWAN "
    "SETIAWAN ARDIANSYAH"
)
YOUNG_SECOND_F = _words(
    "SAPUTRI LESTARI RAMADHANI KHOIRUNNISA AZZAHRA WULANDARI ANGGRAINI PERMATASARI NURAINI "
    "PUSPITASARI OKTAVIANI"
)
BATAK_MALE = _words(
    "JOHANNES MARTUA PARLINDUNGAN BONAR TUMPAL SAHAT HOTMAN MANGIHUT RAJA DAME BERNARD "
    "JONNI RICARDO POLTAK MARULI DAVID HENDRIK ROBERT TOGAR HISAR"
)
BATAK_FEMALE = _words(
    "MARIA ROSMAULI TIOMSI RUMONDANG LAMRIA DUMARIA SERIDA MARTHA ELFRIDA DORIS NURMAIDA "
    "ROSLINA RISMA TETTY LINDA ERNA HOTMAULI MELATI"
)
BATAK_MARGA = _words(
    "SIREGAR NASUTION HARAHAP LUBIS SIMANJUNTAK SITORUS HUTAPEA SINAGA PARDEDE PANJAITAN "
    "SIMATUPANG HUTAGALUNG TAMBUNAN MANURUNG SIHOMBING SITUMORANG PANGARIBUAN SIAHAAN "
    "SILALAHI MARPAUNG GINTING TARIGAN SEMBIRING PURBA DAULAY RITONGA"
)
MINANG_MALE = _words(
    "ZULKIFLI SYAFRIL YUSRIZAL ERIZAL AFRIZAL NOFRIZAL HENDRI DASRIL JONI EFENDI ZULHENDRI "
    "AMRIZAL YULIZAR ASRIL MARDIUS SYAHRUL FIRDAUS BUSTAMI"
)
MINANG_FEMALE = _words(
    "YUSNIDAR ROSMANIAR NURHAYATI ERNAWATI YENNI YULIARTI DESI ASNIDAR ELIDA NURLELA "
    "ROSNIDA HERMAWATI SYAFRIDA YUNIARTI ZUBAIDAH"
)
BUGIS_MALE = _words(
    "BASO MUHAMMAD SYAMSUDDIN ABDUL HAMZAH SUDIRMAN JUMADI LA-ODE HASANUDDIN RUSTAM "
    "AMIRUDDIN BAHRUDDIN SAHABUDDIN NURDIN MAKMUR SAPARUDDIN ARIFIN"
)
BUGIS_FEMALE = _words(
    "SITTI BECCE HASNAH NURMALA RAHMAWATI HASNIATI MARHAMA ASMAWATI SUHARTINI KARTINI "
    "NURHAEDAH SITTI HADIJAH ROSMIATI NURLINA"
)
BUGIS_SECOND = _words(
    "MAKKASAU DAENG TAJUDDIN RAHMAN AMIR LATIF SALAM NURDIN JUMALI BASRI PATTA HAMSAH"
)
TIONGHOA_MALE = _words(
    "HENDRA SUSANTO BUDI WILLIAM HARYANTO DJOHAN TJANDRA ANTONIUS ROBERT SUGIANTO "
    "HENRY FERRY STEVEN YOHANES IWAN"
)
TIONGHOA_FEMALE = _words(
    "LINA SUSI MEILINA LILIANA YENNY WATI SRI LANNY FELICIA MELIANA SIUW LIANA INGE"
)
TIONGHOA_SURNAME = _words(
    "WIJAYA GUNAWAN HALIM SANTOSO KURNIAWAN SALIM TAN LIM TANOTO HARTONO SETIADI "
    "TJAHJADI LIEM SUTANTO KUSUMA"
)
BALI_ORDER_MALE = _words("WAYAN PUTU GEDE MADE KADEK NYOMAN KOMANG KETUT")
BALI_ORDER_FEMALE = _words("WAYAN PUTU LUH MADE KADEK NYOMAN KOMANG KETUT")
BALI_MALE = _words(
    "SUDARSANA SUARDANA ARTAWAN SUPARTA WIRAWAN DARMAWAN SUKADANA MERTA SUARSANA ADNYANA "
    "WIDIANA ASTAWA SUWITRA BUDIARSA"
)
BALI_FEMALE = _words(
    "ASTITI SUARNI SRIASIH SUARTINI PUSPAWATI WIDIASTUTI SUKERTI MURNI ARIANI ARTINI "
    "SUDIASIH RAI SEKAR"
)
PAPUA_MALE = _words(
    "YOHANES MARKUS PETRUS YOSEF SAMUEL ELIAS TITUS MARTHEN DANIEL NIKOLAS OKTOVIANUS "
    "YULIUS FRANS AGUSTINUS LUKAS"
)
PAPUA_FEMALE = _words(
    "YOSINA MARTHA MARIA ELISABETH DORKAS YULIANA AGUSTINA SARA REGINA FRANSINA MIRYAM "
    "OKTOVINA NELCE"
)
PAPUA_FAMILY = _words(
    "WENDA KOGOYA TABUNI WONDA MOTE RUMBIAK MANDOWEN KAMBU WAROMI YIKWA ASSO MURIB "
    "KOSSAY SAWAKI RUMAINUM"
)


def zipf_weights(n: int, exponent: float = 0.9) -> np.ndarray:
    """Falling weights by position, so the first entries of a list dominate."""
    w = 1.0 / np.arange(1, n + 1) ** exponent
    return w / w.sum()


def draw(
    rng: np.random.Generator, words: tuple[str, ...], n: int, exponent: float = 0.9
) -> np.ndarray:
    """n words from a frequency-ordered list."""
    idx = rng.choice(len(words), size=n, p=zipf_weights(len(words), exponent))
    return np.asarray(words, dtype=object)[idx]


@dataclass(frozen=True)
class NameSpec:
    """How one tradition builds a name: first words, second words (by sex), P(two words)."""

    male: tuple[str, ...]
    female: tuple[str, ...]
    second_male: tuple[str, ...] | None
    second_female: tuple[str, ...] | None
    p_second: float


def _spec(tradition: int, cohort: int) -> NameSpec:
    """Name rules by tradition and birth cohort (0 before 1970, 1 to 1994, 2 from 1995)."""
    if tradition == JAWA:
        if cohort == 0:
            return NameSpec(JAWA_MALE_OLD, JAWA_FEMALE_OLD, JAWA_SECOND_M, JAWA_SECOND_F, 0.2)
        if cohort == 1:
            return NameSpec(JAWA_MALE_MID, JAWA_FEMALE_MID, JAWA_SECOND_M, JAWA_SECOND_F, 0.55)
        return NameSpec(YOUNG_MALE, YOUNG_FEMALE, YOUNG_SECOND_M, YOUNG_SECOND_F, 0.8)
    if tradition == SUNDA:
        if cohort < 2:
            return NameSpec(
                SUNDA_MALE,
                SUNDA_FEMALE,
                SUNDA_SECOND_M,
                SUNDA_SECOND_F,
                0.45 if cohort == 0 else 0.6,
            )
        return NameSpec(YOUNG_MALE, YOUNG_FEMALE, YOUNG_SECOND_M, YOUNG_SECOND_F, 0.8)
    if tradition == MUSLIM:
        if cohort < 2:
            return NameSpec(MUSLIM_MALE, MUSLIM_FEMALE, MUSLIM_SECOND_M, MUSLIM_SECOND_F, 0.5)
        return NameSpec(YOUNG_MALE, YOUNG_FEMALE, YOUNG_SECOND_M, YOUNG_SECOND_F, 0.85)
    if tradition == BATAK:
        return NameSpec(BATAK_MALE, BATAK_FEMALE, BATAK_MARGA, BATAK_MARGA, 0.92)
    if tradition == MINANG:
        if cohort < 2:
            return NameSpec(MINANG_MALE, MINANG_FEMALE, MUSLIM_SECOND_M, MUSLIM_SECOND_F, 0.3)
        return NameSpec(YOUNG_MALE, YOUNG_FEMALE, YOUNG_SECOND_M, YOUNG_SECOND_F, 0.8)
    if tradition == BUGIS:
        return NameSpec(BUGIS_MALE, BUGIS_FEMALE, BUGIS_SECOND, BUGIS_SECOND, 0.45)
    if tradition == TIONGHOA:
        return NameSpec(TIONGHOA_MALE, TIONGHOA_FEMALE, TIONGHOA_SURNAME, TIONGHOA_SURNAME, 0.8)
    if tradition == BALI:
        return NameSpec(BALI_MALE, BALI_FEMALE, None, None, 0.0)
    return NameSpec(PAPUA_MALE, PAPUA_FEMALE, PAPUA_FAMILY, PAPUA_FAMILY, 0.85)


def cohort_of(birth_year: np.ndarray) -> np.ndarray:
    return np.where(birth_year < 1970, 0, np.where(birth_year < 1995, 1, 2))


def draw_names(
    rng: np.random.Generator,
    tradition: np.ndarray,
    female: np.ndarray,
    birth_year: np.ndarray,
    order_in_family: np.ndarray,
) -> np.ndarray:
    """A true full name (capitals) for each person."""
    n = len(tradition)
    first = np.empty(n, dtype=object)
    second = np.full(n, "", dtype=object)
    prefix = np.full(n, "", dtype=object)
    cohort = cohort_of(birth_year)
    for t in range(len(ETHNIC_LABELS)):
        for c in range(3):
            spec = _spec(t, c)
            for fem in (False, True):
                idx = np.flatnonzero((tradition == t) & (cohort == c) & (female == fem))
                if idx.size == 0:
                    continue
                first[idx] = draw(rng, spec.female if fem else spec.male, idx.size)
                seconds = spec.second_female if fem else spec.second_male
                if seconds is not None:
                    take = rng.random(idx.size) < spec.p_second
                    second[idx[take]] = draw(rng, seconds, int(take.sum()), 0.6)
    _muslim_prefixes(rng, tradition, female, cohort, prefix)
    # SITI or NUR before SRI, DEWI, TRI... is not a name anyone is given.
    prefix[np.isin(first, ("SRI", "SITI", "NUR", "DEWI", "TRI", "DWI", "UMI", "MUHAMMAD"))] = ""
    _balinese_prefixes(rng, tradition, female, order_in_family, prefix)
    _bugis_prefixes(rng, tradition, prefix)
    parts = zip(prefix.tolist(), first.tolist(), second.tolist(), strict=True)
    names = [" ".join(p for p in (a, b, c) if p) for a, b, c in parts]
    # A prefix equal to the first word ("SITI SITI") is never a real name: keep one.
    return np.asarray([_dedupe_words(x) for x in names], dtype=object)


def _dedupe_words(name: str) -> str:
    words = name.split(" ")
    out = [w for i, w in enumerate(words) if i == 0 or w != words[i - 1]]
    return " ".join(out)


def _muslim_prefixes(
    rng: np.random.Generator,
    tradition: np.ndarray,
    female: np.ndarray,
    cohort: np.ndarray,
    prefix: np.ndarray,
) -> None:
    """MUHAMMAD/AHMAD/ABDUL before men's names, SITI/NUR before women's: very common."""
    muslim = np.isin(tradition, MUSLIM_TRADITIONS)
    p_male = np.where(tradition == MUSLIM, 0.35, 0.12) * np.where(cohort == 2, 1.3, 1.0)
    p_female = np.where(tradition == MUSLIM, 0.40, 0.20) * np.where(cohort == 0, 1.3, 1.0)
    u = rng.random(len(tradition))
    men = muslim & ~female & (u < p_male)
    women = muslim & female & (u < p_female) & (tradition != BUGIS)
    prefix[men] = draw(rng, MUSLIM_MALE_PREFIX, int(men.sum()), 0.3)
    prefix[women] = draw(rng, MUSLIM_FEMALE_PREFIX, int(women.sum()), 0.3)


def _balinese_prefixes(
    rng: np.random.Generator,
    tradition: np.ndarray,
    female: np.ndarray,
    order_in_family: np.ndarray,
    prefix: np.ndarray,
) -> None:
    """I/NI and the birth-order name (Wayan, Made, Nyoman, Ketut) before a Balinese name."""
    bali = np.flatnonzero(tradition == BALI)
    if bali.size == 0:
        return
    order = np.clip(order_in_family[bali], 0, 3)
    # Each order has two or three common forms; pick one of them.
    male_forms = (("WAYAN", "PUTU", "GEDE"), ("MADE", "KADEK"), ("NYOMAN", "KOMANG"), ("KETUT",))
    female_forms = (("WAYAN", "PUTU", "LUH"), ("MADE", "KADEK"), ("NYOMAN", "KOMANG"), ("KETUT",))
    pick = rng.random(bali.size)
    out = []
    for o, fem, u in zip(order.tolist(), female[bali].tolist(), pick.tolist(), strict=True):
        forms = female_forms[o] if fem else male_forms[o]
        form = forms[int(u * len(forms))]
        article = ("NI " if fem else "I ") if u < 0.8 else ""
        out.append(article + form)
    prefix[bali] = np.asarray(out, dtype=object)


def _bugis_prefixes(rng: np.random.Generator, tradition: np.ndarray, prefix: np.ndarray) -> None:
    """ANDI (nobility) and LA/WA (Buton) before some Bugis-tradition names."""
    bugis = np.flatnonzero((tradition == BUGIS) & (prefix == ""))
    u = rng.random(bugis.size)
    prefix[bugis[u < 0.10]] = "ANDI"
    prefix[bugis[(u >= 0.10) & (u < 0.15)]] = "LA"


BIRTHPLACE_ELSEWHERE = _words(
    "JAKARTA SURABAYA BANDUNG SEMARANG MEDAN MAKASSAR PALEMBANG TEGAL CIREBON PEKALONGAN "
    "SOLO YOGYAKARTA MALANG KEDIRI PADANG LAMPUNG"
)
