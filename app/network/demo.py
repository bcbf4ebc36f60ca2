"""Demo members of the cluster network: firms and craftspeople on both sides of the border (Suwałki, Łomża,
Białystok, Ełk, Augustów, Sejny, Puńsk; Alytus, Marijampolė, Tauragė, Kaunas, Lazdijai, Druskininkai), with what
they do, their machines, certificates and products, as the projects' descriptions tell (CNC machining, welding,
laser cutting, logistics, wood, crafts). The placements' demo reuses the firms by name, so this runs first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from stdnum.pl import nip

from app.accounts.models import Country
from app.catalogue.models import Specialisation
from app.core.demo import demo_seeder
from app.extensions import db
from app.network.models import (
    Capability,
    Certification,
    Company,
    ContactVisibility,
    Machine,
    MemberKind,
    Process as P,
    Product,
    ProductKind,
)
from app.network.search import refresh_document

PUBLIC, MEMBERS, HIDDEN = ContactVisibility.PUBLIC, ContactVisibility.MEMBERS, ContactVisibility.HIDDEN
CRAFT = MemberKind.CRAFTSPERSON


def texts(pl: str, lt: str, en: str) -> dict[str, str]:
    return {"pl": pl, "lt": lt, "en": en}


@dataclass
class DemoMember:
    name: str
    country: Country
    city: str
    region: str
    district: str
    address: str
    #: Poland: the NIP's first nine digits (the check digit is computed); Lithuania: the company code; "" for a
    #: craftsperson without a company.
    number: str
    description: dict
    kind: MemberKind = MemberKind.FIRM
    languages: tuple[str, ...] = ("pl",)
    visibility: ContactVisibility = MEMBERS
    contact: str = "Biuro / Office"
    specialisations: tuple[str, ...] = ()
    capacity: int = 0
    #: (process, material codes, max thickness in mm)
    capabilities: tuple[tuple[P, tuple[str, ...], float | None], ...] = ()
    #: (process, type, make and model, working area)
    machines: tuple[tuple[P | None, str, str | None, str | None], ...] = ()
    certifications: tuple[str, ...] = ()
    #: (kind, name, description)
    products: tuple[tuple[ProductKind, dict, dict], ...] = ()
    phone: str = ""


def polish_nip(first_nine: str) -> str:
    """A NIP with its check digit (the next nine-digit prefix whose check digit is not 10)."""
    prefix = int(first_nine)
    while True:
        candidate = str(prefix) + str(sum(w * int(d) for w, d in zip((6, 5, 7, 2, 3, 4, 5, 6, 7), str(prefix),
                                                                      strict=True)) % 11)
        if len(candidate) == 10 and nip.is_valid(candidate):
            return candidate
        prefix += 1


PR, SV = ProductKind.PRODUCT, ProductKind.SERVICE
S, SS, AL, WOOD = "steel", "stainless_steel", "aluminium", "wood"

MEMBERS_PL = [
    DemoMember(
        "Zakład Mechaniki Precyzyjnej Łomża", Country.PL, "Łomża", "PL-20", "Łomża",
        "ul. Przemysłowa 12, 18-400 Łomża", "819093786", texts(
            "Toczenie i frezowanie CNC części maszyn rolniczych, serie od 10 do 5000 sztuk.",
            "Žemės ūkio mašinų dalių CNC tekinimas ir frezavimas, serijos nuo 10 iki 5000 vienetų.",
            "CNC turning and milling of agricultural machinery parts, batches of 10 to 5,000."),
        languages=("pl", "en"), specialisations=("cnc",), capacity=2, phone="+48 86 216 40 12",
        capabilities=((P.CNC_TURNING, (S, SS, AL), None), (P.CNC_MILLING, (S, AL), None),
                      (P.CNC_PROGRAMMING, (), None)),
        machines=((P.CNC_TURNING, "Tokarka CNC", "DMG Mori CLX 450", "Ø 400 × 800 mm"),
                  (P.CNC_MILLING, "Centrum frezarskie", "Haas VF-2", "762 × 406 × 508 mm")),
        certifications=("ISO 9001",),
        products=((PR, texts("Sworznie i tuleje do maszyn rolniczych", "Žemės ūkio mašinų kaiščiai ir įvorės",
                             "Pins and bushes for agricultural machinery"),
                   texts("Hartowane i szlifowane, według rysunku klienta.",
                         "Grūdinti ir šlifuoti, pagal kliento brėžinį.",
                         "Hardened and ground, to the customer's drawing.")),)),
    DemoMember(
        "Metal-Tech Suwałki Sp. z o.o.", Country.PL, "Suwałki", "PL-20", "Suwałki",
        "ul. Spawaczy 4, 16-400 Suwałki", "555979711", texts(
            "Konstrukcje stalowe spawane metodą MIG/MAG i TIG, cięcie laserem światłowodowym 6 kW.",
            "Plieninės konstrukcijos, suvirinamos MIG/MAG ir TIG būdais, pjovimas 6 kW skaiduliniu lazeriu.",
            "Steel structures welded by MIG/MAG and TIG, cutting on a 6 kW fibre laser."),
        languages=("pl", "lt", "en"), visibility=PUBLIC, specialisations=("welding", "laser"), capacity=2,
        phone="+48 87 565 20 40",
        capabilities=((P.WELDING_MIG_MAG, (S, SS), 30), (P.WELDING_TIG, (SS, AL), 10),
                      (P.LASER_CUTTING, (S, SS, AL), 25)),
        machines=((P.LASER_CUTTING, "Wycinarka laserowa światłowodowa 6 kW", "Trumpf TruLaser 3030 fiber",
                   "3000 × 1500 mm"),
                  (P.WELDING_MIG_MAG, "Spawarka MIG/MAG", "Fronius TPS 500i", None)),
        certifications=("EN ISO 3834-2", "EN 1090-2 EXC2"),
        products=((PR, texts("Konstrukcje stalowe hal i wiat", "Angarų ir pastogių plieninės konstrukcijos",
                             "Steel structures for halls and shelters"),
                   texts("Projekt, wykonanie i montaż w klasie EXC2.", "Projektavimas, gamyba ir montavimas "
                         "pagal EXC2 klasę.", "Design, fabrication and erection to EXC2.")),
                  (SV, texts("Cięcie laserowe blach na zamówienie", "Lakštų pjovimas lazeriu pagal užsakymą",
                             "Laser cutting of sheet to order"),
                   texts("Stal do 25 mm, nierdzewna do 15 mm, aluminium do 12 mm.",
                         "Plienas iki 25 mm, nerūdijantis plienas iki 15 mm, aliuminis iki 12 mm.",
                         "Steel up to 25 mm, stainless up to 15 mm, aluminium up to 12 mm.")))),
    DemoMember(
        "Logistyka Podlasie Sp. z o.o.", Country.PL, "Białystok", "PL-20", "Białystok",
        "ul. Magazynowa 7, 15-001 Białystok", "338750047", texts(
            "Magazyn wyrobów stalowych i planowanie dostaw dla zakładów klastra.",
            "Plieno gaminių sandėlis ir tiekimo planavimas klasterio įmonėms.",
            "Warehouse of steel products and delivery planning for the cluster's plants."),
        languages=("pl", "en", "ru"), specialisations=("logistics",), capacity=1, phone="+48 85 744 10 70",
        capabilities=((P.LOGISTICS, (), None), (P.WAREHOUSING, (S, SS, AL), None)),
        products=((SV, texts("Transport krajowy i na Litwę", "Pervežimai Lenkijoje ir į Lietuvą",
                             "Transport in Poland and to Lithuania"),
                   texts("Ciężarówki z HDS-em, dostawy just-in-time.", "Sunkvežimiai su kranu, tiekimas "
                         "laiku (just-in-time).", "Lorries with loader cranes, just-in-time deliveries.")),)),
    DemoMember(
        "Kuźnia Artystyczna „Podkowa” Marek Rutkowski", Country.PL, "Sejny", "PL-20", "powiat sejneński",
        "ul. Piłsudskiego 31, 16-500 Sejny", "", texts(
            "Kowalstwo artystyczne: bramy, balustrady, okucia i świeczniki kute ręcznie na ogniu.",
            "Meninė kalvystė: vartai, turėklai, apkaustai ir žvakidės, kalami rankomis ugnyje.",
            "Artistic blacksmithing: gates, railings, fittings and candlesticks forged by hand."),
        kind=CRAFT, languages=("pl", "lt"), visibility=PUBLIC, contact="Marek Rutkowski",
        phone="+48 605 112 318",
        capabilities=((P.BLACKSMITHING, (S,), 20), (P.WELDING_MIG_MAG, (S,), 8)),
        machines=((P.BLACKSMITHING, "Kuźnia węglowa i młot sprężarkowy", "MS-55", None),),
        products=((PR, texts("Balustrady kute", "Kaltiniai turėklai", "Wrought-iron railings"),
                   texts("Na wymiar, ocynk i malowanie proszkowe.", "Pagal matmenis, cinkuoti ir dažyti "
                         "milteliniais dažais.", "Made to measure, galvanised and powder-coated.")),
                  (PR, texts("Świeczniki i okucia drzwiowe", "Žvakidės ir durų apkaustai",
                             "Candlesticks and door fittings"), {}))),
    DemoMember(
        "Pracownia Rzeźby Ludowej Stanisław Bućko", Country.PL, "Augustów", "PL-20", "powiat augustowski",
        "ul. Nadrzeczna 5, 16-300 Augustów", "", texts(
            "Rzeźba w drewnie lipowym: świątki, frasobliwi, szopki i płaskorzeźby na zamówienie.",
            "Drožyba liepos medienoje: šventųjų figūros, rūpintojėliai, prakartėlės ir bareljefai.",
            "Carving in lime wood: folk saints, Christ the Sorrowful, nativity scenes and reliefs to order."),
        kind=CRAFT, languages=("pl",), visibility=MEMBERS, contact="Stanisław Bućko", phone="+48 501 430 227",
        capabilities=((P.WOODWORKING, (WOOD,), None), (P.CRAFTS, (WOOD,), None)),
        products=((PR, texts("Frasobliwy – rzeźba z lipy, 40 cm", "Rūpintojėlis – liepos skulptūra, 40 cm",
                             "Christ the Sorrowful – lime wood, 40 cm"),
                   texts("Każda sztuka rzeźbiona ręcznie, polichromia lub drewno naturalne.",
                         "Kiekviena skulptūra drožiama rankomis, polichromija arba natūrali mediena.",
                         "Each piece hand-carved, painted or in natural wood.")),
                  (SV, texts("Warsztaty rzeźbiarskie dla grup", "Drožybos dirbtuvės grupėms",
                             "Carving workshops for groups"), {}))),
    DemoMember(
        "Szkutnictwo Augustowskie Piotr Zaniewski", Country.PL, "Augustów", "PL-20", "powiat augustowski",
        "ul. Portowa 2, 16-300 Augustów", "846152903", texts(
            "Budowa i renowacja drewnianych łodzi augustówek według tradycyjnej metody klepkowej.",
            "Medinių Augustavo valčių (augustówka) gamyba ir restauravimas tradiciniu būdu.",
            "Building and restoring wooden Augustów boats the traditional clinker way."),
        kind=CRAFT, languages=("pl", "en"), visibility=PUBLIC, contact="Piotr Zaniewski",
        phone="+48 87 643 21 90",
        capabilities=((P.WOODWORKING, (WOOD,), 40),),
        products=((PR, texts("Łódź augustówka, 5,6 m", "Augustavo valtis, 5,6 m", "Augustów boat, 5.6 m"),
                   texts("Dąb i sosna, wiosła w komplecie.", "Ąžuolas ir pušis, su irklais.",
                         "Oak and pine, oars included.")),)),
    DemoMember(
        "Tkactwo Ludowe Ona Malinauskienė", Country.PL, "Puńsk", "PL-20", "powiat sejneński",
        "ul. Mickiewicza 14, 16-515 Puńsk", "", texts(
            "Tkane pasy i krajki, ozdoby ze słomy (sodai) – tradycje litewskie Puńszczyzny.",
            "Austos juostos ir šiaudiniai sodai – Punsko krašto lietuvių tradicijos.",
            "Woven sashes and straw ornaments (sodai) – the Lithuanian traditions of the Puńsk area."),
        kind=CRAFT, languages=("lt", "pl"), visibility=HIDDEN, contact="Ona Malinauskienė",
        phone="+48 87 516 10 44",
        capabilities=((P.CRAFTS, ("textiles", "other"), None),),
        products=((PR, texts("Tkany pas (juosta)", "Austa juosta", "Woven sash (juosta)"),
                   texts("Wełna i len, wzory z Puńska i Sejn.", "Vilna ir linas, Punsko ir Seinų raštai.",
                         "Wool and linen, patterns of Puńsk and Sejny.")),
                  (PR, texts("Sodas – ozdoba ze słomy", "Šiaudinis sodas", "Straw sodas ornament"), {}))),
    DemoMember(
        "EŁK-STAL Konstrukcje Sp. z o.o.", Country.PL, "Ełk", "PL-28", "powiat ełcki",
        "ul. Przemysłowa 21, 19-300 Ełk", "848170215", texts(
            "Spawanie konstrukcji stalowych, gięcie blach na prasie krawędziowej, malowanie.",
            "Plieninių konstrukcijų suvirinimas, lakštų lankstymas presu, dažymas.",
            "Welding of steel structures, press-brake bending, painting."),
        languages=("pl", "de"), specialisations=("welding",), capacity=1, phone="+48 87 610 33 05",
        capabilities=((P.WELDING_MIG_MAG, (S,), 40), (P.BENDING, (S, SS), 12),
                      (P.SURFACE_TREATMENT, (S,), None)),
        machines=((P.BENDING, "Prasa krawędziowa 100 t", "Amada HFE 100-3", "3000 mm"),
                  (P.WELDING_MIG_MAG, "Spawarki MIG/MAG", "Kemppi X8", None)),
        certifications=("EN 1090-2 EXC2", "EN ISO 3834-2"),
        products=((PR, texts("Ramy i podesty stalowe", "Plieniniai rėmai ir aikštelės",
                             "Steel frames and platforms"), {}),)),
    DemoMember(
        "Podlaskie Centrum Obróbki Laserowej Sp. z o.o.", Country.PL, "Białystok", "PL-20", "Białystok",
        "ul. Elewatorska 40, 15-620 Białystok", "542331876", texts(
            "Cięcie laserowe i wodą blach oraz rur, także z aluminium i stali nierdzewnej.",
            "Lakštų ir vamzdžių pjovimas lazeriu ir vandens srove, taip pat aliuminio ir nerūdijančio plieno.",
            "Laser and waterjet cutting of sheet and tube, aluminium and stainless steel too."),
        languages=("pl", "en"), visibility=PUBLIC, specialisations=("laser",), capacity=2,
        phone="+48 85 651 22 00",
        capabilities=((P.LASER_CUTTING, (S, SS, AL), 30), (P.WATERJET_CUTTING, (S, SS, AL, "glass", "plastics"),
                                                           150)),
        machines=((P.LASER_CUTTING, "Wycinarka laserowa 10 kW", "Bystronic ByStar Fiber 3015", "3000 × 1500 mm"),
                  (P.WATERJET_CUTTING, "Wycinarka wodna", "Flow Mach 500", "4000 × 2000 mm")),
        certifications=("ISO 9001",),
        products=((SV, texts("Cięcie wodą do 150 mm", "Pjovimas vandens srove iki 150 mm",
                             "Waterjet cutting up to 150 mm"),
                   texts("Bez strefy wpływu ciepła, także szkło i tworzywa.", "Be šiluminio poveikio zonos, "
                         "taip pat stiklas ir plastikai.", "No heat-affected zone; glass and plastics too.")),)),
    DemoMember(
        "Ślusarstwo Jan Sobolewski", Country.PL, "Suwałki", "PL-20", "Suwałki",
        "ul. Wojska Polskiego 92, 16-400 Suwałki", "844208711", texts(
            "Ślusarstwo: bramy, ogrodzenia, schody i drobne konstrukcje ze stali i nierdzewki, spawanie TIG.",
            "Šaltkalvystė: vartai, tvoros, laiptai ir nedidelės konstrukcijos iš plieno, TIG suvirinimas.",
            "Locksmithing: gates, fences, stairs and small structures in steel and stainless, TIG welding."),
        kind=CRAFT, languages=("pl",), visibility=MEMBERS, contact="Jan Sobolewski", phone="+48 600 271 954",
        capabilities=((P.WELDING_TIG, (SS, S), 6), (P.DRILLING, (S,), None)),
        products=((PR, texts("Balustrady ze stali nierdzewnej", "Nerūdijančio plieno turėklai",
                             "Stainless steel balustrades"), {}),)),
    DemoMember(
        "Powłoki Proszkowe Narew Sp. z o.o.", Country.PL, "Łomża", "PL-20", "Łomża",
        "ul. Poznańska 141, 18-402 Łomża", "718209341", texts(
            "Malowanie proszkowe i śrutowanie elementów do 6 m, piaskowanie, cynkowanie natryskowe.",
            "Miltelinis dažymas ir šratavimas iki 6 m ilgio detalių, smėliavimas, purškiamasis cinkavimas.",
            "Powder coating and shot blasting of parts up to 6 m, sand blasting, thermal zinc spraying."),
        languages=("pl",), visibility=PUBLIC, phone="+48 86 218 77 30",
        capabilities=((P.SURFACE_TREATMENT, (S, AL), None),),
        machines=((P.SURFACE_TREATMENT, "Piec polimeryzacyjny", None, "6500 × 2000 × 2200 mm"),),
        products=((SV, texts("Malowanie proszkowe w kolorach RAL", "Miltelinis dažymas RAL spalvomis",
                             "Powder coating in RAL colours"), {}),)),
    DemoMember(
        "Projekt-Mech Biuro Konstrukcyjne", Country.PL, "Białystok", "PL-20", "Białystok",
        "ul. Wiejska 45A, 15-351 Białystok", "966201554", texts(
            "Projektowanie maszyn i konstrukcji, dokumentacja wykonawcza, programowanie obrabiarek CNC, "
            "szkolenia z CAD/CAM.",
            "Mašinų ir konstrukcijų projektavimas, darbo brėžiniai, CNC staklių programavimas, CAD/CAM mokymai.",
            "Design of machines and structures, shop drawings, CNC programming, CAD/CAM training."),
        languages=("pl", "en"), visibility=PUBLIC, specialisations=("cnc",), phone="+48 85 733 90 11",
        capabilities=((P.DESIGN, (), None), (P.CNC_PROGRAMMING, (), None), (P.TRAINING, (), None)),
        products=((SV, texts("Dokumentacja zgodna z EN 1090", "Dokumentacija pagal EN 1090",
                             "Documentation to EN 1090"), {}),
                  (SV, texts("Kurs programowania CNC (Sinumerik, Fanuc)", "CNC programavimo kursai "
                             "(Sinumerik, Fanuc)", "CNC programming course (Sinumerik, Fanuc)"), {}))),
    DemoMember(
        "Ceramika Sejneńska Anna Kalinowska", Country.PL, "Sejny", "PL-20", "powiat sejneński",
        "ul. Zawadzkiego 3, 16-500 Sejny", "", texts(
            "Naczynia i kafle toczone na kole, szkliwione solą; pokazy garncarstwa.",
            "Ant žiedimo rato žiesti indai ir kokliai, glazūruoti druska; puodininkystės demonstracijos.",
            "Wheel-thrown pots and tiles, salt-glazed; pottery demonstrations."),
        kind=CRAFT, languages=("pl", "en"), visibility=MEMBERS, contact="Anna Kalinowska",
        phone="+48 692 818 440",
        capabilities=((P.CRAFTS, ("other",), None),),
        products=((PR, texts("Dzbanki i misy z gliny", "Moliniai ąsočiai ir dubenys", "Clay jugs and bowls"),
                   {}),)),
]

MEMBERS_LT = [
    DemoMember(
        "UAB Suvirinimo technologijos", Country.LT, "Alytus", "LT-AL", "Alytaus miesto savivaldybė",
        "Pramonės g. 15, LT-62175 Alytus", "302456789", texts(
            "Spawanie konstrukcji ze stali nierdzewnej i aluminium, szkolenia spawaczy.",
            "Nerūdijančio plieno ir aliuminio konstrukcijų suvirinimas, suvirintojų mokymai.",
            "Welding of stainless steel and aluminium structures, welder training."),
        languages=("lt", "pl", "en"), visibility=PUBLIC, specialisations=("welding",), capacity=2,
        phone="+370 315 55 210",
        capabilities=((P.WELDING_TIG, (SS, AL), 12), (P.WELDING_MIG_MAG, (S, SS, AL), 25),
                      (P.TRAINING, (), None)),
        machines=((P.WELDING_TIG, "TIG suvirinimo aparatai", "ESAB Rogue ET 200iP", None),),
        certifications=("EN ISO 3834-2",),
        products=((SV, texts("Kursy spawania TIG i MIG/MAG", "TIG ir MIG/MAG suvirinimo kursai",
                             "TIG and MIG/MAG welding courses"),
                   texts("Przygotowanie do egzaminu według EN ISO 9606-1.", "Pasiruošimas egzaminui pagal "
                         "EN ISO 9606-1.", "Preparation for the EN ISO 9606-1 test.")),)),
    DemoMember(
        "UAB Alytaus lazeriai", Country.LT, "Alytus", "LT-AL", "Alytaus miesto savivaldybė",
        "Santaikos g. 31, LT-62115 Alytus", "303112233", texts(
            "Cięcie laserowe blach do 25 mm i gięcie CNC na zamówienie.",
            "Lakštų iki 25 mm pjovimas lazeriu ir CNC lankstymas pagal užsakymą.",
            "Laser cutting of sheet up to 25 mm and CNC bending to order."),
        languages=("lt", "en", "ru"), specialisations=("laser", "cnc"), capacity=1, phone="+370 315 71 400",
        capabilities=((P.LASER_CUTTING, (S, SS, AL), 25), (P.BENDING, (S, SS, AL), 10)),
        machines=((P.LASER_CUTTING, "Skaidulinis lazeris 8 kW", "Trumpf TruLaser 5030 fiber", "3000 × 1500 mm"),
                  (P.BENDING, "Lankstymo presas", "Trumpf TruBend 5130", "3230 mm")),
        certifications=("ISO 9001",),
        products=((SV, texts("Cięcie laserowe i gięcie", "Pjovimas lazeriu ir lankstymas",
                             "Laser cutting and bending"), {}),)),
    DemoMember(
        "UAB Marijampolės metalas", Country.LT, "Marijampolė", "LT-MR", "Marijampolės savivaldybė",
        "Gamyklų g. 3, LT-68108 Marijampolė", "165432198", texts(
            "Obróbka skrawaniem, spawanie i montaż przyczep rolniczych.",
            "Mechaninis apdirbimas, suvirinimas ir žemės ūkio priekabų surinkimas.",
            "Machining, welding and assembly of agricultural trailers."),
        languages=("lt", "pl", "ru"), visibility=MEMBERS, specialisations=("cnc", "welding", "logistics"),
        capacity=2, phone="+370 343 50 120",
        capabilities=((P.CNC_TURNING, (S,), None), (P.WELDING_MIG_MAG, (S,), 20), (P.ASSEMBLY, (S,), None)),
        machines=((P.CNC_TURNING, "CNC tekinimo staklės", "Mazak QT-250", "Ø 380 × 1000 mm"),),
        certifications=("EN 1090-2 EXC2", "ISO 9001"),
        products=((PR, texts("Przyczepy rolnicze 8–14 t", "Žemės ūkio priekabos 8–14 t",
                             "Agricultural trailers, 8–14 t"),
                   texts("Wywrotki trójstronne, homologacja UE.", "Trijų pusių savivartės, ES tipo patvirtinimas.",
                         "Three-way tippers, EU type-approved.")),)),
    DemoMember(
        "Kalvystės dirbtuvė „Žiežirba“ Antanas Jurgaitis", Country.LT, "Tauragė", "LT-TA",
        "Tauragės rajono savivaldybė", "Dariaus ir Girėno g. 18, LT-72214 Tauragė", "", texts(
            "Kowal: kute ogrodzenia, krzyże, narzędzia i pokazy kucia na jarmarkach.",
            "Kalvis: kaltinės tvoros, kryžiai, įrankiai ir kalvystės demonstracijos mugėse.",
            "Blacksmith: forged fences, crosses, tools and forging shows at fairs."),
        kind=CRAFT, languages=("lt", "pl", "ru"), visibility=PUBLIC, contact="Antanas Jurgaitis",
        phone="+370 612 40 118",
        capabilities=((P.BLACKSMITHING, (S,), 25),),
        machines=((P.BLACKSMITHING, "Pneumatinis kūjis", "Anyang C41-40", None),),
        products=((PR, texts("Kute krzyże i wiatrowskazy", "Kaltiniai kryžiai ir vėjarodės",
                             "Forged crosses and weather vanes"),
                   texts("Wzory żmudzkie i dzukijskie.", "Žemaitiški ir dzūkiški raštai.",
                         "Samogitian and Dzūkija patterns.")),
                  (SV, texts("Pokazy kowalstwa", "Kalvystės demonstracijos", "Blacksmithing shows"), {}))),
    DemoMember(
        "Medžio drožėjas Vytautas Kazlauskas", Country.LT, "Druskininkai", "LT-AL", "Druskininkų savivaldybė",
        "Vilniaus al. 40, LT-66119 Druskininkai", "", texts(
            "Rzeźba w drewnie: kapliczki słupowe, frasobliwi, tablice i meble w stylu dzukijskim.",
            "Medžio drožyba: koplytstulpiai, rūpintojėliai, lentelės ir dzūkiško stiliaus baldai.",
            "Wood carving: wayside shrines, Christ the Sorrowful, signboards and Dzūkija-style furniture."),
        kind=CRAFT, languages=("lt", "ru"), visibility=MEMBERS, contact="Vytautas Kazlauskas",
        phone="+370 686 22 309",
        capabilities=((P.WOODWORKING, (WOOD,), None), (P.CRAFTS, (WOOD,), None)),
        products=((PR, texts("Kapliczka słupowa (koplytstulpis)", "Koplytstulpis", "Wayside shrine pole"),
                   texts("Dąb, wysokość do 3 m.", "Ąžuolas, aukštis iki 3 m.", "Oak, up to 3 m high.")),)),
    DemoMember(
        "UAB Kauno CNC centras", Country.LT, "Kaunas", "LT-KU", "Kauno miesto savivaldybė",
        "Veiverių g. 134, LT-46353 Kaunas", "304881562", texts(
            "Frezowanie 5-osiowe CNC, prototypy i krótkie serie, programowanie CAM.",
            "5 ašių CNC frezavimas, prototipai ir mažos serijos, CAM programavimas.",
            "5-axis CNC milling, prototypes and short runs, CAM programming."),
        languages=("lt", "en"), visibility=PUBLIC, specialisations=("cnc",), capacity=2,
        phone="+370 37 45 22 10",
        capabilities=((P.CNC_MILLING, (S, SS, AL, "plastics"), None), (P.CNC_PROGRAMMING, (), None),
                      (P.GRINDING, (S,), None)),
        machines=((P.CNC_MILLING, "5 ašių frezavimo centras", "DMG Mori DMU 65 monoBLOCK", "735 × 650 × 560 mm"),
                  (P.CNC_MILLING, "Vertikalus frezavimo centras", "Haas VF-4", "1270 × 508 × 635 mm")),
        certifications=("ISO 9001",),
        products=((SV, texts("Prototypy części z aluminium", "Aliuminio detalių prototipai",
                             "Aluminium part prototypes"), {}),)),
    DemoMember(
        "UAB Nemuno logistika", Country.LT, "Kaunas", "LT-KU", "Kauno miesto savivaldybė",
        "Raudondvario pl. 101, LT-47184 Kaunas", "302998741", texts(
            "Transport drogowy Polska–Litwa, magazyn konsygnacyjny stali, odprawy celne.",
            "Krovinių pervežimai Lenkija–Lietuva, plieno konsignacinis sandėlis, muitinės tarpininkavimas.",
            "Road freight Poland–Lithuania, consignment steel warehouse, customs clearance."),
        languages=("lt", "pl", "en", "ru"), specialisations=("logistics",), capacity=1, phone="+370 37 30 11 00",
        capabilities=((P.LOGISTICS, (), None), (P.WAREHOUSING, (S, AL), None)),
        products=((SV, texts("Ładunki częściowe Kowno–Suwałki–Białystok", "Daliniai kroviniai "
                             "Kaunas–Suvalkai–Balstogė", "Part loads Kaunas–Suwałki–Białystok"), {}),)),
    DemoMember(
        "UAB Sūduvos plienas", Country.LT, "Marijampolė", "LT-MR", "Marijampolės savivaldybė",
        "Kauno g. 114, LT-68108 Marijampolė", "302741258", texts(
            "Cięcie plazmowe i spawanie konstrukcji stalowych, belki i kratownice.",
            "Plazminis pjovimas ir plieninių konstrukcijų suvirinimas, sijos ir santvaros.",
            "Plasma cutting and welding of steel structures, beams and trusses."),
        languages=("lt", "pl"), visibility=MEMBERS, specialisations=("welding",), phone="+370 343 91 505",
        capabilities=((P.PLASMA_CUTTING, (S, SS), 40), (P.WELDING_MIG_MAG, (S,), 30), (P.DRILLING, (S,), None)),
        machines=((P.PLASMA_CUTTING, "CNC plazmos stalas", "Hypertherm XPR300", "6000 × 2000 mm"),),
        certifications=("EN 1090-2 EXC2", "EN ISO 3834-2"),
        products=((PR, texts("Kratownice i belki stalowe", "Plieninės santvaros ir sijos",
                             "Steel trusses and beams"), {}),)),
    DemoMember(
        "Pynėja Rūta Miliauskienė", Country.LT, "Lazdijai", "LT-AL", "Lazdijų rajono savivaldybė",
        "Seinų g. 22, LT-67106 Lazdijai", "", texts(
            "Wyplatanie koszy i mebli z wikliny, kursy dla dorosłych i dzieci.",
            "Krepšių ir baldų pynimas iš vytelių, kursai suaugusiems ir vaikams.",
            "Wicker baskets and furniture, courses for adults and children."),
        kind=CRAFT, languages=("lt", "pl"), visibility=PUBLIC, contact="Rūta Miliauskienė",
        phone="+370 618 55 740",
        capabilities=((P.CRAFTS, (WOOD,), None), (P.TRAINING, (), None)),
        products=((PR, texts("Kosze z wikliny", "Pinti krepšiai", "Wicker baskets"), {}),
                  (SV, texts("Kurs wyplatania", "Pynimo kursai", "Basket weaving course"), {}))),
    DemoMember(
        "UAB Tauragės baldai", Country.LT, "Tauragė", "LT-TA", "Tauragės rajono savivaldybė",
        "Pramonės g. 7, LT-72328 Tauragė", "179654213", texts(
            "Meble z litego drewna i płyt, frezowanie CNC drewna, lakierowanie.",
            "Masyvo ir plokščių baldai, medienos CNC frezavimas, lakavimas.",
            "Solid wood and board furniture, CNC routing of wood, lacquering."),
        languages=("lt", "en"), specialisations=(), phone="+370 446 61 230",
        capabilities=((P.WOODWORKING, (WOOD,), 80), (P.CNC_MILLING, (WOOD, "plastics"), 80),
                      (P.SURFACE_TREATMENT, (WOOD,), None)),
        machines=((P.CNC_MILLING, "CNC medienos frezavimo staklės", "Biesse Rover A", "3100 × 1300 mm"),),
        products=((PR, texts("Stoły dębowe", "Ąžuoliniai stalai", "Oak tables"), {}),)),
    DemoMember(
        "UAB Dzūkijos dažymas", Country.LT, "Alytus", "LT-AL", "Alytaus miesto savivaldybė",
        "Pramonės g. 1A, LT-62175 Alytus", "301554870", texts(
            "Malowanie proszkowe, cynkowanie ogniowe u partnera, przygotowanie powierzchni.",
            "Miltelinis dažymas, karštasis cinkavimas pas partnerį, paviršiaus paruošimas.",
            "Powder coating, hot-dip galvanising through a partner, surface preparation."),
        languages=("lt",), visibility=HIDDEN, phone="+370 315 60 990",
        capabilities=((P.SURFACE_TREATMENT, (S, AL), None),),
        products=((SV, texts("Malowanie proszkowe", "Miltelinis dažymas", "Powder coating"), {}),)),
    DemoMember(
        "Metalo meno dirbtuvė Mindaugas Petrauskas", Country.LT, "Druskininkai", "LT-AL",
        "Druskininkų savivaldybė", "Ąžuolų g. 6, LT-66128 Druskininkai", "", texts(
            "Rzeźby i meble ze stali nierdzewnej i corten, spawanie TIG, szlifowanie.",
            "Skulptūros ir baldai iš nerūdijančio ir corten plieno, TIG suvirinimas, šlifavimas.",
            "Sculptures and furniture in stainless and Corten steel, TIG welding, grinding."),
        kind=CRAFT, languages=("lt", "en"), visibility=MEMBERS, contact="Mindaugas Petrauskas",
        phone="+370 699 10 552",
        capabilities=((P.WELDING_TIG, (SS, S), 8), (P.GRINDING, (SS,), None), (P.CRAFTS, (SS, S), None)),
        products=((PR, texts("Rzeźby ogrodowe ze stali", "Plieninės sodo skulptūros", "Steel garden sculptures"),
                   {}),)),
    DemoMember(
        "UAB Inžinerinė grupė", Country.LT, "Kaunas", "LT-KU", "Kauno miesto savivaldybė",
        "Taikos pr. 88, LT-51182 Kaunas", "305112480", texts(
            "Projektowanie i montaż linii produkcyjnych, automatyka, szkolenia operatorów.",
            "Gamybos linijų projektavimas ir montavimas, automatika, operatorių mokymai.",
            "Design and assembly of production lines, automation, operator training."),
        languages=("lt", "en", "pl"), visibility=PUBLIC, phone="+370 37 22 80 80",
        capabilities=((P.DESIGN, (), None), (P.ASSEMBLY, (S, AL), None), (P.TRAINING, (), None)),
        certifications=("ISO 9001",),
        products=((SV, texts("Montaż i uruchomienie linii", "Linijų montavimas ir paleidimas",
                             "Line assembly and commissioning"), {}),)),
]

DEMO_MEMBERS = MEMBERS_PL + MEMBERS_LT

#: Contact e-mails of the demo (the domain says what they are).
_DOMAIN = "example.com"


def _member(demo: DemoMember, specs: dict[str, Specialisation], index: int) -> Company:
    number = (polish_nip(demo.number) if demo.country == Country.PL else demo.number) if demo.number else None
    company = Company(
        name=demo.name, kind=demo.kind, country=demo.country, city=demo.city, region=demo.region,
        district=demo.district, address=demo.address, registration_number=number,
        contact_name=demo.contact, contact_email=f"kontakt{index}@{_DOMAIN}", contact_phone=demo.phone,
        contact_visibility=demo.visibility, description=demo.description, languages=list(demo.languages),
        intern_capacity=demo.capacity, is_published=True,
        specialisations=[specs[code] for code in demo.specialisations if code in specs])
    company.capabilities = [Capability(process=process, materials=list(materials), max_thickness_mm=thickness,
                                       note={}, position=i)
                            for i, (process, materials, thickness) in enumerate(demo.capabilities)]
    company.machines = [Machine(process=process, machine_type=kind, make_model=model, working_area=area, position=i)
                        for i, (process, kind, model, area) in enumerate(demo.machines)]
    company.certifications = [Certification(standard=standard, position=i)
                              for i, standard in enumerate(demo.certifications)]
    company.products = [Product(kind=kind, name=name, description=description, position=i)
                        for i, (kind, name, description) in enumerate(demo.products)]
    refresh_document(company)
    return company


@demo_seeder(order=30)
def seed_demo_network() -> None:
    """The members above, each added once (by name), published, with its search document."""
    specs = {s.code: s for s in db.session.scalars(select(Specialisation))}
    existing = set(db.session.scalars(select(Company.name)))
    for index, demo in enumerate(DEMO_MEMBERS, start=1):
        if demo.name not in existing:
            db.session.add(_member(demo, specs, index))
    db.session.flush()
