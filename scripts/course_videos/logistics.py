"""The logistics videos: a warehouse flow with ABC zones and the ABC analysis itself, both from
courses/logistics/files/inventory-abc.csv."""

from __future__ import annotations

import itertools
from pathlib import Path

from scripts.course_videos.render import (
    BLUE,
    CAPTION_BAND,
    GREEN,
    GREY,
    HEIGHT,
    INK,
    MUTED,
    ORANGE,
    RED,
    WIDTH,
    Scene,
    Video,
    dashed,
    ease,
    label,
)
from scripts.course_videos.sources import StockItem, read_abc

INVENTORY = Path(__file__).resolve().parents[2] / "courses" / "logistics" / "files" / "inventory-abc.csv"
CLASS_COLOURS = {"A": RED, "B": ORANGE, "C": GREEN}
FLOOR = (24, 84, WIDTH - 24, HEIGHT - CAPTION_BAND - 12)
PALLET, BOX = "#a47148", "#e0b97a"


def t(pl: str, lt: str, en: str) -> dict[str, str]:
    return {"pl": pl, "lt": lt, "en": en}


def local(number: float, language: str) -> str:
    text = f"{number:.1f}"
    return text if language == "en" else text.replace(".", ",")


# The floor plan, in pixels: receipt on the left, the racks by zone (C furthest from dispatch), packing, dispatch.
AREAS = {1: (40, 100, 220, 570), 3: (900, 100, 1060, 570), 4: (1080, 100, 1240, 570)}
ZONES = {"C": 250, "B": 470, "A": 690}
ZONE_WIDTH = 190


def slots(items: list[StockItem]) -> dict[str, tuple[float, float]]:
    """The centre of each item's rack slot, in its ABC zone."""
    places = {}
    for zone, left in ZONES.items():
        members = [item for item in items if item.abc == zone]
        for row, item in enumerate(members):
            places[item.part] = (left + ZONE_WIDTH / 2, 170 + row * 78)
    return places


def floor(draw, items: list[StockItem], active: int | None = None) -> None:
    draw.rectangle(FLOOR, fill="#ffffff", outline=GREY)
    for number, (x0, y0, x1, y1) in AREAS.items():
        draw.rectangle((x0, y0, x1, y1), fill="#fff3bf" if active == number else "#f1f3f5", outline=MUTED, width=2)
        label(draw, ((x0 + x1) / 2, y0 + 34), str(number), 40, INK, bold=True)
    for zone, left in ZONES.items():
        draw.rectangle((left, 100, left + ZONE_WIDTH, 570), fill="#fff3bf" if active == 2 else "#f8f9fa",
                       outline=CLASS_COLOURS[zone], width=3)
        label(draw, (left + ZONE_WIDTH / 2, 128), zone, 36, CLASS_COLOURS[zone], bold=True)
    label(draw, (ZONES["B"] + ZONE_WIDTH / 2, 555), "2", 40, INK, bold=True)
    for item in items:
        x, y = slots(items)[item.part]
        draw.rectangle((x - 88, y - 30, x + 88, y + 30), fill="#ffffff", outline=CLASS_COLOURS[item.abc], width=2)
        label(draw, (x, y), item.part, 19, INK, bold=True)


def pallet(draw, x: float, y: float, size: int = 34) -> None:
    draw.rectangle((x - size / 2, y - size / 2, x + size / 2, y + size / 2), fill=BOX, outline=PALLET, width=4)
    draw.line((x - size / 2, y, x + size / 2, y), fill=PALLET, width=2)


def along(points: list[tuple[float, float]], p: float) -> tuple[float, float]:
    """The point ``p`` (0..1) of the way along a polyline."""
    lengths = [((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5 for a, b in itertools.pairwise(points)]
    target = sum(lengths) * min(1.0, max(0.0, p))
    for (a, b), length in zip(itertools.pairwise(points), lengths, strict=True):
        if target <= length and length:
            f = target / length
            return (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)
        target -= length
    return points[-1]


def warehouse_video() -> Video:
    items = read_abc(INVENTORY)
    places = slots(items)
    order = [items[0].part, items[3].part, items[6].part]  # one order line from each zone

    def overview(draw, p):
        floor(draw, items, active=1 + min(3, int(p * 4)))

    def receipt(draw, p):
        floor(draw, items, active=1)
        for n in range(3):
            share = min(1.0, max(0.0, p * 2 - n * 0.3))
            pallet(draw, 130, 470 - ease(share) * (250 - n * 90))
        if p > 0.6:
            label(draw, (130, 520), "✓ ERP", 30, GREEN, bold=True, box="#ffffff")

    def storage(draw, p):
        floor(draw, items, active=2)
        for n, part in enumerate((items[0].part, items[3].part, items[7].part)):
            share = min(1.0, max(0.0, p * 1.6 - n * 0.3))
            x, y = places[part]
            route = [(130, 220 + n * 90), (x - 100, 220 + n * 90), (x - 100, y), (x, y)]
            px, py = along(route, ease(share))
            pallet(draw, px, py)

    def picking(draw, p):
        floor(draw, items, active=3)
        # Along the corridor below the racks, up the aisle beside each zone to the slot and back: no shortcuts.
        route = [(980, 580)]
        for part in reversed(order):
            x, y = places[part]
            aisle = x + ZONE_WIDTH / 2 + 15
            route += [(aisle, 580), (aisle, y), (aisle, 580)]
        route.append((980, 580))
        for a, b in itertools.pairwise(route):
            dashed(draw, a, b, BLUE, width=3)
        x, y = along(route, p)
        draw.ellipse((x - 16, y - 16, x + 16, y + 16), fill=BLUE, outline=INK, width=2)
        for part in order:
            sx, sy = places[part]
            draw.rectangle((sx - 90, sy - 32, sx + 90, sy + 32), outline=BLUE, width=4)

    def packing(draw, p):
        floor(draw, items, active=3)
        pallet(draw, 980, 330, 70)
        if p > 0.4:
            label(draw, (980, 420), "3 / 3 ✓", 30, GREEN, bold=True, box="#ffffff")
        if p > 0.7:
            draw.rectangle((955, 305, 1005, 325), fill="#ffffff", outline=INK)

    def dispatch(draw, p):
        floor(draw, items, active=4)
        x = 1160
        pallet(draw, 980 + (x - 980) * ease(min(1.0, p * 2)), 330, 70)
        if p > 0.5:
            label(draw, (1160, 420), "−3", 34, RED, bold=True, box="#ffffff")

    def balance(draw, p):
        floor(draw, items)
        label(draw, (WIDTH / 2, 330), "ERP = ▦ ▦ ▦", 54, INK, bold=True, box="#ffffffdd")

    return Video("logistics", "warehouse-flow", "1 → 2 → 3 → 4 · A · B · C", [
        Scene(6, t("Magazyn w czterech krokach: 1 przyjęcie, 2 składowanie, 3 kompletacja i pakowanie, 4 wydanie.",
                   "Sandėlis keturiais žingsniais: 1 priėmimas, 2 laikymas, 3 komplektavimas ir pakavimas, "
                   "4 išsiuntimas.",
                   "A warehouse in four steps: 1 goods receipt, 2 storage, 3 picking and packing, 4 dispatch."),
              overview),
        Scene(7, t("Przyjęcie: dostawę liczy się i sprawdza z zamówieniem, potem księguje w ERP.",
                   "Priėmimas: pristatymas suskaičiuojamas ir patikrinamas pagal užsakymą, tada užregistruojamas ERP.",
                   "Goods receipt: the delivery is counted and checked against the purchase order, then booked in "
                   "the ERP."), receipt),
        Scene(7, t("Składowanie: każda paleta dostaje lokalizację; strefa A mieści pozycje A z analizy ABC, B i C "
                   "dalej.",
                   "Laikymas: kiekvienas padėklas gauna vietą; A zonoje – ABC analizės A prekės, B ir C toliau.",
                   "Storage: each pallet gets a location; zone A holds the A items of the ABC analysis, B and C "
                   "further back."), storage),
        Scene(7, t("Kompletacja: magazynier idzie trasą przez lokalizacje pozycji zamówienia, jednym przejściem.",
                   "Komplektavimas: sandėlininkas eina maršrutu per užsakymo eilučių vietas, vienu ėjimu.",
                   "Picking: the picker follows one route through the locations of the order lines."), picking),
        Scene(6, t("Pakowanie: zamówienie sprawdza się z listą i etykietuje.",
                   "Pakavimas: užsakymas patikrinamas pagal sąrašą ir paženklinamas.",
                   "Packing: the order is checked against the list and labelled."), packing),
        Scene(6, t("Wydanie: księguje się wydanie towaru, stan spada, ciężarówka odjeżdża.",
                   "Išsiuntimas: užregistruojamas prekių išdavimas, atsargos sumažėja, sunkvežimis išvažiuoja.",
                   "Dispatch: the goods issue is booked, the stock falls, and the truck leaves."), dispatch),
        Scene(6, t("Każdy krok to księgowanie: stan w systemie musi się zgadzać ze stanem na półce.",
                   "Kiekvienas žingsnis – registracija: atsargos sistemoje turi sutapti su atsargomis lentynoje.",
                   "Every step is a booking: the stock in the system must equal the stock on the shelf."), balance),
    ])


def abc_video() -> Video:
    items = sorted(read_abc(INVENTORY), key=lambda item: -item.annual_value)
    total = sum(item.annual_value for item in items)
    chart = (110, 110, 1230, 500)
    left, top, right, bottom = chart
    step = (right - left) / len(items)

    def share_of(zone: str) -> float:
        return 100 * sum(i.annual_value for i in items if i.abc == zone) / total

    counts = {zone: sum(1 for i in items if i.abc == zone) for zone in "ABC"}

    def paint_chart(draw, bars: float, line: float = 0.0, classes: str = "") -> None:
        draw.rectangle((24, 84, WIDTH - 24, HEIGHT - CAPTION_BAND - 12), fill="#ffffff", outline=GREY)
        draw.line((left, bottom, right, bottom), fill=INK, width=2)
        draw.line((left, top, left, bottom), fill=INK, width=2)
        for level in (0, 50, 100):
            y = bottom - (bottom - top) * level / 100
            label(draw, (left - 12, y), f"{level} %", 18, MUTED, anchor="rm")
            dashed(draw, (left, y), (right, y), GREY, width=1)
        points = []
        for index, item in enumerate(items):
            x = left + step * index + step / 2
            grow = ease(min(1.0, max(0.0, bars * len(items) - index)))
            height = (bottom - top) * item.annual_value / total * grow
            colour = CLASS_COLOURS[item.abc] if item.abc in classes else "#adb5bd"
            draw.rectangle((x - step * 0.35, bottom - height, x + step * 0.35, bottom), fill=colour)
            code, _, rest = item.part.partition("-")
            label(draw, (x, bottom + 20), code, 19, INK, bold=True)
            label(draw, (x, bottom + 44), rest[:9], 15, MUTED)
            points.append((x, bottom - (bottom - top) * item.share / 100))
        shown = points[: max(0, int(line * len(points) + 0.999))]
        if len(shown) > 1:
            draw.line(shown, fill=BLUE, width=4)
        for x, y in shown:
            draw.ellipse((x - 6, y - 6, x + 6, y + 6), fill=BLUE)

    def bracket(draw, zone: str) -> None:
        members = [i for i, item in enumerate(items) if item.abc == zone]
        x0, x1 = left + step * members[0] + 6, left + step * (members[-1] + 1) - 6
        draw.rectangle((x0, top - 18, x1, top - 4), fill=CLASS_COLOURS[zone])
        label(draw, ((x0 + x1) / 2, top + 24), f"{zone}: {local(share_of(zone), 'en')} %", 26,
              CLASS_COLOURS[zone], bold=True, box="#ffffffdd")

    def classes(zones: str):
        def paint(draw, p):
            paint_chart(draw, 1.0, 1.0, zones)
            bracket(draw, zones[-1])
        return paint

    a, b, c = (local(share_of(zone), "en") for zone in "ABC")
    return Video("logistics", "abc-analysis", "ABC · 10 · EUR / year", [
        Scene(6, t("Analiza ABC dziesięciu pozycji: zużycie roczne × cena jednostkowa = wartość roczna.",
                   "Dešimties prekių ABC analizė: metinis suvartojimas × vieneto kaina = metinė vertė.",
                   "ABC analysis of ten stock items: annual usage × unit cost = annual value."),
              lambda draw, p: paint_chart(draw, 0.0)),
        Scene(7, {lang: text.format(value=f"{items[0].annual_value:,.0f}".replace(",", " ")) for lang, text in t(
            "Sortujemy malejąco: sama blacha S355 to {value} EUR, połowa całości.",
            "Rūšiuojame mažėjimo tvarka: vien S355 lakštas – {value} EUR, pusė visos vertės.",
            "Sorted by annual value, largest first: the S355 sheet alone is {value} EUR, half of the total.").items()},
              lambda draw, p: paint_chart(draw, p)),
        Scene(7, {lang: text.format(*(local(items[i].share, lang) for i in range(3))) for lang, text in t(
            "Linia skumulowana sumuje udziały: {} %, {} %, {} % … 100 %.",
            "Kaupiamoji linija sudeda dalis: {} %, {} %, {} % … 100 %.",
            "The cumulative line adds up the shares: {} %, {} %, {} % … 100 %.").items()},
              lambda draw, p: paint_chart(draw, 1.0, p)),
        Scene(6, {lang: text.format(n=counts["A"], s=local(share_of("A"), lang)) for lang, text in t(
            "Klasa A: {n} pozycje, {s} % wartości: ścisła kontrola, częste inwentaryzacje, staranne zamawianie.",
            "A klasė: {n} prekės, {s} % vertės: griežta kontrolė, dažnos inventorizacijos, kruopštus užsakymas.",
            "Class A: {n} items, {s} % of the value: tight control, frequent counts, careful ordering.").items()},
              classes("A")),
        Scene(6, {lang: text.format(n=counts["B"], s=local(share_of("B"), lang)) for lang, text in t(
            "Klasa B: {n} pozycje, kolejne {s} % wartości.",
            "B klasė: {n} prekės, kiti {s} % vertės.",
            "Class B: {n} items, the next {s} % of the value.").items()}, classes("AB")),
        Scene(6, {lang: text.format(n=counts["C"], s=local(share_of("C"), lang)) for lang, text in t(
            "Klasa C: {n} pozycji, tylko {s} % wartości: proste zasady, większe partie, rzadsze zamówienia.",
            "C klasė: {n} prekės, tik {s} % vertės: paprastos taisyklės, didesnės partijos, retesni užsakymai.",
            "Class C: {n} items, only {s} % of the value: simple rules, larger batches, fewer orders.").items()},
              classes("ABC")),
        Scene(6, t("Inwentaryzacja: pozycje A co miesiąc, B co kwartał, C raz w roku.",
                   "Inventorizacija: A prekės kas mėnesį, B kas ketvirtį, C kartą per metus.",
                   "Counting: A items monthly, B quarterly, C once a year."),
              lambda draw, p: (paint_chart(draw, 1.0, 1.0, "ABC"),
                               label(draw, (WIDTH / 2, 300), f"A {a} %  ·  B {b} %  ·  C {c} %", 40, INK, bold=True,
                                     box="#ffffffee"))),
    ])
