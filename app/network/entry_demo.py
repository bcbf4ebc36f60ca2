"""Demo data of members' own entries (``flask seed-demo``): the demo Lithuanian mentor keeps the entry of his
welding firm (capabilities, machines, a certificate, products), has proposed a change a coordinator has yet to
approve, and members may register themselves."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.services import find_user_by_email
from app.core.demo import demo_seeder
from app.core.settings import DIRECTORY_REGISTRATION, set_setting
from app.extensions import db
from app.network.entries import entry_of
from app.network.members import person_link
from app.network.models import (
    Capability,
    Certification,
    Company,
    EntryRevision,
    Machine,
    Process,
    Product,
    ProductKind,
)
from app.network.search import refresh_document

FIRM = "UAB Suvirinimo technologijos"
CONTACT = "mentorius@example.com"


@demo_seeder(order=70)
def seed_demo_entries() -> None:
    if db.session.scalar(select(EntryRevision.id).limit(1)) is not None:
        return
    company = db.session.scalar(select(Company).where(Company.name == FIRM))
    contact = find_user_by_email(CONTACT)
    if company is None or contact is None:
        return
    person_link(company, contact).is_contact = True
    company.region, company.district, company.languages = "LT-AL", "Alytaus miesto savivaldybė", ["lt", "pl", "en"]
    company.capabilities = [
        Capability(process=Process.WELDING_MIG_MAG, materials=["steel", "stainless_steel"], max_thickness_mm=30,
                   note={"lt": "EN ISO 5817 B lygis", "en": "EN ISO 5817 level B"}, position=0),
        Capability(process=Process.LASER_CUTTING, materials=["steel", "aluminium"], max_thickness_mm=20,
                   max_length_mm=3000, max_width_mm=1500, position=1)]
    company.machines = [Machine(process=Process.LASER_CUTTING, machine_type="Fibre laser",
                                make_model="Trumpf TruLaser 3030", working_area="3000 × 1500 mm", position=0),
                        Machine(process=Process.WELDING_MIG_MAG, machine_type="MIG/MAG welding set",
                                make_model="Kemppi X8", count=4, position=1)]
    company.certifications = [Certification(standard="EN 1090-2 EXC2", issuer="VšĮ Statybos produkcijos "
                                            "sertifikavimo centras", position=0)]
    company.products = [Product(kind=ProductKind.SERVICE, position=0,
                                name={"lt": "Plieninių konstrukcijų suvirinimas", "pl": "Spawanie konstrukcji "
                                      "stalowych", "en": "Welding of steel structures"},
                                description={"en": "Frames, platforms and stairs to drawings, EXC2."})]
    refresh_document(company)
    db.session.flush()
    proposal = entry_of(company)
    proposal["products"] = [*proposal["products"], {
        "id": None, "kind": ProductKind.PRODUCT.value, "photos": [],
        "name": {"lt": "Sodo vartai", "pl": "Bramy ogrodowe", "en": "Garden gates"},
        "description": {"en": "Welded steel gates, galvanised and powder coated."}}]
    db.session.add(EntryRevision(company_id=company.id, data=proposal, submitted_by_id=contact.id))
    set_setting(DIRECTORY_REGISTRATION, True, None)  # the demo shows the directory's own registration
    db.session.flush()
