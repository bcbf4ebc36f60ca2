"""The cluster network: its members (firms and individual craftspeople), what they can do (capabilities, machine
park, certifications), what they offer (products and services with photos), the people linked to them, the
moderated revisions of their public entries, and the spellings of their names found in people's profiles."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false as sa_false,
    true as sa_true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Country, User
from app.catalogue.models import Specialisation
from app.core.db import TimestampMixin, enum_column
from app.core.files import StoredFile
from app.extensions import db

company_specialisations = Table(
    "company_specialisations",
    db.metadata,
    Column("company_id", Integer, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("specialisation_id", Integer, ForeignKey("specialisations.id", ondelete="CASCADE"), primary_key=True),
)


class MemberKind(enum.StrEnum):
    #: A registered company (registration number required).
    FIRM = "firm"
    #: A craftsperson, sole trader or small producer: a person, registration number optional.
    CRAFTSPERSON = "craftsperson"


class ContactVisibility(enum.StrEnum):
    """Who sees the contact person's e-mail, phone and the address: the member chooses."""

    PUBLIC = "public"
    #: Logged-in people only (what the directory did before members chose).
    MEMBERS = "members"
    #: Coordinators only.
    HIDDEN = "hidden"


class Company(TimestampMixin, db.Model):
    """A member of the cluster network: a firm or a craftsperson. The table keeps its first name: most members are
    firms, and internships, placements and employers all point here."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MemberKind] = mapped_column(enum_column(MemberKind, 16), default=MemberKind.FIRM,
                                             server_default=MemberKind.FIRM.value)
    name: Mapped[str] = mapped_column(String(200), index=True)
    country: Mapped[Country] = mapped_column(enum_column(Country, 8), index=True)
    #: ISO 3166-2 code of the voivodeship (PL-20 Podlaskie) or county (LT-AL Alytaus apskritis); see regions.py.
    region: Mapped[str | None] = mapped_column(String(8), index=True)
    #: Poland: powiat (county); Lithuania: savivaldybė (municipality). Free text.
    district: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    #: Poland: NIP (10 digits, checksum); Lithuania: company code (įmonės kodas, 9 digits). Stored compact.
    #: Optional for craftspeople (a person without a company).
    registration_number: Mapped[str | None] = mapped_column(String(20))
    #: EU VAT number when the firm is VAT-registered (PL… / LT…).
    vat_number: Mapped[str | None] = mapped_column(String(20))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    contact_visibility: Mapped[ContactVisibility] = mapped_column(
        enum_column(ContactVisibility, 16), default=ContactVisibility.MEMBERS,
        server_default=ContactVisibility.MEMBERS.value)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Languages the member works in (codes: pl, lt, en, ru, de, ...).
    languages: Mapped[list] = mapped_column(JSON, default=list)
    #: How many interns the firm can host at the same time.
    intern_capacity: Mapped[int] = mapped_column(default=1)
    is_cluster_member: Mapped[bool] = mapped_column(default=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Shown in the public directory: set when a coordinator approves the entry (entries coordinators write are
    #: published at once; a self-registered member waits for the first approval).
    is_published: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    #: The words search matches (stemmed and folded by app.network.search; both databases index this column).
    search_document: Mapped[str] = mapped_column(Text, default="", server_default="")

    specialisations: Mapped[list[Specialisation]] = relationship(secondary=company_specialisations)
    members: Mapped[list[CompanyMember]] = relationship(back_populates="company", cascade="all, delete-orphan")
    capabilities: Mapped[list[Capability]] = relationship(back_populates="company", cascade="all, delete-orphan",
                                                          order_by="Capability.position")
    machines: Mapped[list[Machine]] = relationship(back_populates="company", cascade="all, delete-orphan",
                                                   order_by="Machine.position")
    certifications: Mapped[list[Certification]] = relationship(back_populates="company",
                                                               cascade="all, delete-orphan",
                                                               order_by="Certification.position")
    products: Mapped[list[Product]] = relationship(back_populates="company", cascade="all, delete-orphan",
                                                   order_by="Product.position")

    __table_args__ = (UniqueConstraint("country", "registration_number"),)


class CompanyMember(TimestampMixin, db.Model):
    """A person linked to a member of the network: its mentor (any role may mentor for their firm), its contact
    person (edits the public entry, subject to approval), its manager (sees the firm's own staff's training, once a
    coordinator confirmed them)."""

    __tablename__ = "company_members"
    __table_args__ = (UniqueConstraint("company_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    is_mentor: Mapped[bool] = mapped_column(default=True)
    is_contact: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    is_manager: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: Who asked for the link (the firm's contact inviting a manager, a coordinator, or the person registering).
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: A manager sees the firm's staff only once a coordinator confirmed them.
    manager_confirmed_at: Mapped[datetime | None]
    manager_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    company: Mapped[Company] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_confirmed_manager(self) -> bool:
        return self.is_manager and self.manager_confirmed_at is not None


class Process(enum.StrEnum):
    """What a member can do (the capability filter). Labels in app.network.vocabulary."""

    CNC_MILLING = "cnc_milling"
    CNC_TURNING = "cnc_turning"
    CNC_PROGRAMMING = "cnc_programming"
    WELDING_MIG_MAG = "welding_mig_mag"
    WELDING_TIG = "welding_tig"
    LASER_CUTTING = "laser_cutting"
    PLASMA_CUTTING = "plasma_cutting"
    WATERJET_CUTTING = "waterjet_cutting"
    BENDING = "bending"
    DRILLING = "drilling"
    GRINDING = "grinding"
    SURFACE_TREATMENT = "surface_treatment"
    ASSEMBLY = "assembly"
    DESIGN = "design"
    LOGISTICS = "logistics"
    WAREHOUSING = "warehousing"
    WOODWORKING = "woodworking"
    BLACKSMITHING = "blacksmithing"
    CRAFTS = "crafts"
    TRAINING = "training"


class Material(enum.StrEnum):
    STEEL = "steel"
    STAINLESS_STEEL = "stainless_steel"
    ALUMINIUM = "aluminium"
    COPPER_BRASS = "copper_brass"
    CAST_IRON = "cast_iron"
    PLASTICS = "plastics"
    WOOD = "wood"
    GLASS = "glass"
    TEXTILES = "textiles"
    OTHER = "other"


class Capability(db.Model):
    """One process the member offers, on which materials, within which limits."""

    __tablename__ = "member_capabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    process: Mapped[Process] = mapped_column(enum_column(Process, 32), index=True)
    #: Material codes (``Material`` values).
    materials: Mapped[list] = mapped_column(JSON, default=list)
    max_thickness_mm: Mapped[float | None] = mapped_column(Float)
    max_length_mm: Mapped[float | None] = mapped_column(Float)
    max_width_mm: Mapped[float | None] = mapped_column(Float)
    #: Free text per language (tolerances, batch sizes, ...).
    note: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)

    company: Mapped[Company] = relationship(back_populates="capabilities")


class Machine(db.Model):
    """The machine park: type, make and model, working area."""

    __tablename__ = "member_machines"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    process: Mapped[Process | None] = mapped_column(enum_column(Process, 32))
    machine_type: Mapped[str] = mapped_column(String(200))
    make_model: Mapped[str | None] = mapped_column(String(200))
    #: As the maker states it, e.g. "3000 × 1500 mm" or "Ø 400 × 1000 mm".
    working_area: Mapped[str | None] = mapped_column(String(100))
    count: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    company: Mapped[Company] = relationship(back_populates="machines")


class Certification(db.Model):
    """A certificate of the member, e.g. EN ISO 3834-2, EN 1090-2 EXC2, ISO 9001."""

    __tablename__ = "member_certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    standard: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(200))
    valid_until: Mapped[date | None]
    position: Mapped[int] = mapped_column(default=0)

    company: Mapped[Company] = relationship(back_populates="certifications")


class ProductKind(enum.StrEnum):
    PRODUCT = "product"
    SERVICE = "service"


class Product(db.Model):
    """A product or service the member offers (the offer catalogue's entries)."""

    __tablename__ = "member_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ProductKind] = mapped_column(enum_column(ProductKind, 16), default=ProductKind.PRODUCT)
    name: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)

    company: Mapped[Company] = relationship(back_populates="products")
    photos: Mapped[list[MemberImage]] = relationship(back_populates="product", order_by="MemberImage.position")


class MemberImage(StoredFile, TimestampMixin, db.Model):
    """A member's logo or a photo of one of its products. The worker makes the thumbnail (``thumbnail_key``, in
    the same storage). Images of entries waiting for approval exist before any product points to them: a revision
    names them by id (see EntryRevision)."""

    __tablename__ = "member_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("member_products.id", ondelete="SET NULL"),
                                                   index=True)
    is_logo: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int | None]
    height: Mapped[int | None]
    thumbnail_key: Mapped[str | None] = mapped_column(String(255), unique=True)

    product: Mapped[Product | None] = relationship(back_populates="photos")


class RevisionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    #: A newer proposal replaced it before a coordinator decided.
    SUPERSEDED = "superseded"


class EntryRevision(TimestampMixin, db.Model):
    """A proposed version of a member's public entry (the whole entry as JSON: fields, capabilities, machines,
    certifications, products with their image ids). Nothing of it is public until a coordinator approves it; then
    it is applied to the member's rows. Kept after the decision: the entry's history."""

    __tablename__ = "member_entry_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    status: Mapped[RevisionStatus] = mapped_column(enum_column(RevisionStatus, 16), default=RevisionStatus.PENDING,
                                                   index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    #: The coordinator's reason when refusing (shown to the member).
    decision_note: Mapped[str | None] = mapped_column(Text)

    company: Mapped[Company] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class CompanyAlias(TimestampMixin, db.Model):
    """A spelling of a member's name a coordinator confirmed (people's free-text employers): later profiles
    with the same spelling are linked to the firm at once."""

    __tablename__ = "company_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    #: As people wrote it.
    name: Mapped[str] = mapped_column(String(200))
    #: Case-folded, diacritics and legal-form words removed (app.network.employers.name_key): unique.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    company: Mapped[Company] = relationship()
