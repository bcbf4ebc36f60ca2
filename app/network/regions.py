"""Where members are: Polish voivodeships and Lithuanian counties by their ISO 3166-2 codes, and which of them lie
in the Interreg Lithuania–Poland programme area (what the funder counts)."""

from __future__ import annotations

from app.accounts.models import Country

#: Code → name (names are proper nouns, written as in each country; not translated).
REGIONS: dict[Country, dict[str, str]] = {
    Country.PL: {
        "PL-02": "dolnośląskie", "PL-04": "kujawsko-pomorskie", "PL-06": "lubelskie", "PL-08": "lubuskie",
        "PL-10": "łódzkie", "PL-12": "małopolskie", "PL-14": "mazowieckie", "PL-16": "opolskie",
        "PL-18": "podkarpackie", "PL-20": "podlaskie", "PL-22": "pomorskie", "PL-24": "śląskie",
        "PL-26": "świętokrzyskie", "PL-28": "warmińsko-mazurskie", "PL-30": "wielkopolskie",
        "PL-32": "zachodniopomorskie",
    },
    Country.LT: {
        "LT-AL": "Alytaus apskritis", "LT-KU": "Kauno apskritis", "LT-KL": "Klaipėdos apskritis",
        "LT-MR": "Marijampolės apskritis", "LT-PN": "Panevėžio apskritis", "LT-SA": "Šiaulių apskritis",
        "LT-TA": "Tauragės apskritis", "LT-TE": "Telšių apskritis", "LT-UT": "Utenos apskritis",
        "LT-VL": "Vilniaus apskritis",
    },
}

#: Regions (wholly or partly) in the Interreg Lithuania–Poland programme area. The programme draws its area by
#: NUTS-3 subregion (Polish side: the Białystok, Ełk, Łomża and Suwałki subregions); by region this is the
#: nearest fit, and the figures call it "in or near the programme area".
PROGRAMME_AREA = frozenset({"PL-20", "PL-28", "LT-AL", "LT-KU", "LT-KL", "LT-MR", "LT-TA", "LT-TE", "LT-VL"})


def region_name(code: str | None) -> str:
    for regions in REGIONS.values():
        if code in regions:
            return regions[code]
    return ""


def region_fits(country: Country, code: str) -> bool:
    """An empty region is allowed (not given); otherwise it must be one of the country's."""
    return code == "" or code in REGIONS.get(country, {})


def region_choices(country: Country | None = None) -> list[tuple[str, str]]:
    countries = [country] if country else [Country.PL, Country.LT]
    return [(code, name) for c in countries for code, name in REGIONS.get(c, {}).items()]
