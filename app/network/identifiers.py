"""Company identifiers by country, checked with python-stdnum (no hand-made checksums).

Poland: the NIP (tax identification number), 10 digits with a weighted mod-11 check digit.
Lithuania: the company code (juridinio asmens kodas), 9 digits; the VAT code (PVM mokėtojo kodas) is checked by
stdnum.lt.pvm (9 or 12 digits with check digit, optionally prefixed LT).
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from stdnum.exceptions import ValidationError
from stdnum.lt import pvm
from stdnum.pl import nip

from app.accounts.models import Country
from app.core.errors import DomainError


def clean_registration_number(country: Country, value: str) -> str:
    """The registration number in compact form; DomainError with the reason when it is not valid."""
    raw = (value or "").strip()
    if country == Country.PL:
        try:
            return nip.validate(raw.upper().removeprefix("PL"))
        except ValidationError:
            raise DomainError(_l("This is not a valid Polish NIP: 10 digits with a correct check digit, "
                                 "e.g. 526-025-02-74."), field="registration_number") from None
    if country == Country.LT:
        compact = re.sub(r"[\s-]", "", raw)
        if not re.fullmatch(r"\d{9}", compact):
            raise DomainError(_l("A Lithuanian company code has exactly 9 digits, e.g. 110053842."),
                              field="registration_number")
        return compact
    raise DomainError(_l("Companies of the directory are in Poland or Lithuania."), field="country")


def clean_vat_number(country: Country, value: str | None) -> str | None:
    raw = (value or "").strip().upper().replace(" ", "").replace("-", "")
    if not raw:
        return None
    try:
        if country == Country.PL:
            return "PL" + nip.validate(raw.removeprefix("PL"))
        if country == Country.LT:
            return "LT" + pvm.validate(raw.removeprefix("LT"))
    except ValidationError:
        pass
    raise DomainError(_l("This is not a valid EU VAT number for the company's country (PL… or LT…)."),
                      field="vat_number")


def display_registration(country: Country, compact: str | None) -> str:
    if not compact:
        return ""
    return nip.format(compact) if country == Country.PL else compact
