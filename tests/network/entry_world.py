"""Shared setup of the entry tests: a member with its contact person, photos made with Pillow, the entry form's
fields as a browser posts them."""

from __future__ import annotations

import io

from PIL import Image

from app.core.permissions import Role
from app.extensions import db
from app.network.models import CompanyMember
from tests.factories import create_user
from tests.factories.placements import create_company


def photo(kind: str = "JPEG", size: tuple[int, int] = (64, 48), color: str = "steelblue", exif: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif:
        data = image.getexif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0131] = "GPS-leaking firmware"  # Software
        image.save(out, kind, exif=data.tobytes())
    else:
        image.save(out, kind)
    return out.getvalue()


def member_with_contact(**company_fields):
    """A published member (Lithuanian by default) and an account that keeps its entry."""
    company = create_company(**company_fields)
    contact = create_user(Role.MENTOR)
    db.session.add(CompanyMember(company_id=company.id, user_id=contact.id, is_mentor=False, is_contact=True))
    db.session.commit()
    return company, contact


def entry_form(company, **overrides) -> dict:
    """The entry form as posted: the member's fields, one capability, one machine, one certificate, one product."""
    data = {
        "kind": "firm", "name": company.name, "city": company.city, "region": "", "district": "", "address": "",
        "website": "", "contact_name": "", "contact_email": "", "contact_phone": "", "contact_visibility": "public",
        "description_en": "Laser cutting and welding.",
        "capabilities-0-process_code": "laser_cutting", "capabilities-0-materials": ["steel", "aluminium"],
        "capabilities-0-max_thickness_mm": "20",
        "machines-0-machine_type": "Fibre laser", "machines-0-make_model": "Trumpf TruLaser 3030",
        "machines-0-working_area": "3000 × 1500 mm", "machines-0-count": "2",
        "machines-0-process_code": "laser_cutting",
        "certifications-0-standard": "EN 1090-2 EXC2", "certifications-0-issuer": "TÜV",
        "certifications-0-valid_until": "2028-01-31",
        "products-0-kind": "product", "products-0-name_en": "Steel gates", "products-0-description_en": "Welded.",
        "submit": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
