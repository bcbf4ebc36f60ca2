"""The words of the directory: labels of member kinds, processes, materials, contact visibility, languages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.network.models import ContactVisibility, Material, MemberKind, Process, ProductKind

MEMBER_KIND_LABELS = {MemberKind.FIRM: _l("Firm"), MemberKind.CRAFTSPERSON: _l("Craftsperson or small producer")}

CONTACT_VISIBILITY_LABELS = {
    ContactVisibility.PUBLIC: _l("Everyone"),
    ContactVisibility.MEMBERS: _l("People who are logged in"),
    ContactVisibility.HIDDEN: _l("Only the coordinators"),
}

PROCESS_LABELS = {
    Process.CNC_MILLING: _l("CNC milling"),
    Process.CNC_TURNING: _l("CNC turning"),
    Process.CNC_PROGRAMMING: _l("CNC programming"),
    Process.WELDING_MIG_MAG: _l("MIG/MAG welding"),
    Process.WELDING_TIG: _l("TIG welding"),
    Process.LASER_CUTTING: _l("Laser cutting"),
    Process.PLASMA_CUTTING: _l("Plasma cutting"),
    Process.WATERJET_CUTTING: _l("Waterjet cutting"),
    Process.BENDING: _l("Bending"),
    Process.DRILLING: _l("Drilling"),
    Process.GRINDING: _l("Grinding"),
    Process.SURFACE_TREATMENT: _l("Surface treatment and painting"),
    Process.ASSEMBLY: _l("Assembly"),
    Process.DESIGN: _l("Design and drawings"),
    Process.LOGISTICS: _l("Logistics and transport"),
    Process.WAREHOUSING: _l("Warehousing"),
    Process.WOODWORKING: _l("Woodworking"),
    Process.BLACKSMITHING: _l("Blacksmithing"),
    Process.CRAFTS: _l("Crafts"),
    Process.TRAINING: _l("Training"),
}

MATERIAL_LABELS = {
    Material.STEEL: _l("Steel"),
    Material.STAINLESS_STEEL: _l("Stainless steel"),
    Material.ALUMINIUM: _l("Aluminium"),
    Material.COPPER_BRASS: _l("Copper and brass"),
    Material.CAST_IRON: _l("Cast iron"),
    Material.PLASTICS: _l("Plastics"),
    Material.WOOD: _l("Wood"),
    Material.GLASS: _l("Glass"),
    Material.TEXTILES: _l("Textiles"),
    Material.OTHER: _l("Other materials"),
}

PRODUCT_KIND_LABELS = {ProductKind.PRODUCT: _l("Product"), ProductKind.SERVICE: _l("Service")}

#: Languages a member may say it works in (native names: a visitor looks for their own).
WORKING_LANGUAGES = {"pl": "Polski", "lt": "Lietuvių", "en": "English", "de": "Deutsch", "ru": "Русский",
                     "uk": "Українська", "be": "Беларуская"}
