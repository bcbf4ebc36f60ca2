"""Accessibility and screen-width sweep: every page a role reaches, for every role, in pl, lt and en, on a phone
(360x740) and a desktop (1280x800).

Which pages: the navigation's, then one object of each kind below them. A crawler follows the same-site GET links
of each persona's pages up to two clicks below the menu (never submitting a form, never following a link to a
view that records something, a file, an export or the language switch) and keeps the first URL of each *kind* —
the path with its numbers replaced by ``<id>``. The demo data (``flask seed-demo``) fills the pages, so the sweep
grows with every feature's demo seeder; ``test_the_crawl_reaches_every_named_kind`` keeps it from shrinking.

Checks on every page: no sideways scrolling, no visible control outside the viewport, no table cell crushed under
48 px, and axe-core (vendored in tests/e2e/vendor, served to the page from disk) without serious or critical
violations. axe is the slow part: it runs once per page kind, language, width and *shape* (the set of element kinds
on the page: another persona's page with the same elements is not checked again, one with a form or a button more
is) — on the phone in every language, on the desktop in Lithuanian (see ``SWEEPS``); the layout checks run for
every page of every persona in every language on the phone and in Lithuanian on the desktop.

The tests are spread over (width, language, persona) so the test processes share them out; the demo server and the
crawl are built once per test process. The sweep runs on the first database backend only (the pages it checks
render the same on both; tests/core/test_hostile_input.py reaches every route on PostgreSQL).
"""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from app.accounts.demo import DEMO_USERS
from app.core.i18n import LANGUAGES
from app.core.permissions import Role
from tests.conftest import make_test_app
from tests.dbutil import BACKENDS, fresh_database, upgrade_to_head
from tests.e2e.conftest import serving

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

WIDTHS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}

#: Anonymous visitors and every role (a mentor: a company-mentor account linked to a host firm), and a firm's
#: confirmed manager (a MENTOR account that mentors nobody: what it reaches is the firm view).
MANAGER = "manager"
PERSONAS = [None, *Role, MANAGER]


def _role_account(role: Role) -> tuple[str, str]:
    return next((email, password) for email, password, _, r, *_ in DEMO_USERS if r == role)


def _mentor_account() -> tuple[str, str]:
    """The mentor of the demo placement under way (its logbook and evaluation are open to the mentor)."""
    from app.placements.demo import MENTOR_PASSWORD, MENTORS

    return MENTORS[1][0], MENTOR_PASSWORD


def _manager_account() -> tuple[str, str]:
    from app.network.employers_demo import MANAGER_EMAIL, MANAGER_PASSWORD

    return MANAGER_EMAIL, MANAGER_PASSWORD


#: Personas whose demo account is not in accounts' DEMO_USERS: mentors are seeded with the placements' firms, the
#: firm's manager with the employers.
ACCOUNTS = {Role.MENTOR: _mentor_account, MANAGER: _manager_account}


def demo_account(persona) -> tuple[str, str]:
    return ACCOUNTS.get(persona, lambda: _role_account(persona))()


def persona_name(persona) -> str:
    return "anonymous" if persona is None else getattr(persona, "value", persona)


# --- Which pages: the crawl -------------------------------------------------------------------------------------

#: Pages for visitors not logged in that the menu does not list (linked from the log-in page and the footer).
ANONYMOUS_START = ["/login", "/forgot-password", "/register", "/privacy", "/verify/", "/directory/join",
                   "/offline"]  # the service worker's offline page: no link leads to it
#: How many clicks below the navigation the crawl goes.
DEPTH = 3
#: Links that are no page to check: files, exports, feeds, the log-out and the language switch.
SKIPPED_SUFFIXES = (".svg", ".ics", ".pdf", ".csv", ".xlsx", ".json", ".zip", ".png", ".jpg", ".mp4", ".vtt",
                    ".atom")
SKIPPED_SEGMENTS = {"logout", "language", "download", "downloads", "file", "export", "exports", "static", "api",
                    "healthz", "metrics", "unsubscribe", "status", "images"}
#: GET views marked ``@writes`` whose only write is the record of the visit: pages people read every day.
VISIT_RECORDS = {"learning.lesson", "training.my_training"}
#: Pages no link leads to at any hour, by the kind of page a persona reached them from: a meeting's page links the
#: trainee's check-in form only while the meeting is open, and a phone's camera opens the confirmation from the QR
#: code (its token is checked when the form is sent, which the sweep never does).
OFF_LINK = {Role.TRAINEE: {"/meetings/<id>": ["/meetings/{0}/checkin", "/checkin/{0}/sweep-token-0000"]}}
#: Pages a search or filters shape (the crawl follows links, not forms), each checked as a kind of its own: the
#: directory with words and filters, and with a bad filter explained on its field.
SEARCHES = {persona: ["/directory/?q=spawanie&country=PL&kind=firm&capability=welding_mig_mag&language=pl",
                      "/directory/?q=kalvis&thickness=-1"] for persona in (None, Role.TRAINEE)}
#: A segment with a digit that is a number or a long code (certificate codes, tokens) stands for an object.
_OBJECT_SEGMENT = re.compile(r"^\d+$|^(?=.*\d)[\w.~-]{12,}$")


def page_kind(url: str) -> str:
    """The kind of page ``url`` shows: its path with the segments naming an object replaced by ``<id>``."""
    path = urlsplit(url).path
    return "/".join("<id>" if _OBJECT_SEGMENT.match(segment) else segment for segment in path.split("/"))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.nav: list[str] = []
        self.links: list[str] = []
        self._in_nav = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "nav" and (self._in_nav or "main-nav" in (attributes.get("class") or "").split()):
            self._in_nav += 1
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            (self.nav if self._in_nav else self.links).append(attributes["href"])

    def handle_endtag(self, tag):
        if tag == "nav" and self._in_nav:
            self._in_nav -= 1


def followable(app, url: str) -> str | None:
    """``url`` as a same-site path to check, or None for a file, an export or a view that records something."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.hostname != "127.0.0.1"):
        return None
    segments = set(parts.path.split("/"))
    if parts.path.endswith(SKIPPED_SUFFIXES) or segments & SKIPPED_SEGMENTS:
        return None
    try:
        rule, _ = app.url_map.bind("127.0.0.1").match(parts.path, method="GET", return_rule=True)
    except RequestRedirect:
        return parts.path
    except HTTPException:
        return None
    view = app.view_functions[rule.endpoint]
    if getattr(view, "_mcc_writes", False) and rule.endpoint not in VISIT_RECORDS:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def log_in(client, persona) -> None:
    email, password = demo_account(persona)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    response = client.post("/login", data={"csrf_token": token.group(1) if token else "", "email": email,
                                           "password": password})
    assert response.status_code in (302, 303), f"{persona_name(persona)} cannot log in"


def crawl(app, persona) -> dict[str, str]:
    """The pages ``persona`` reaches: {kind: first URL of that kind}, in the order found (breadth first)."""
    client = app.test_client()
    if persona is not None:
        log_in(client, persona)
    home = _Links()
    home.feed(client.get("/").get_data(as_text=True))
    start = ["/", *home.nav, *(ANONYMOUS_START if persona is None else [])]
    found: dict[str, str] = {}
    level = [path for url in start if (path := followable(app, url))]
    for depth in range(DEPTH + 1):
        following: list[str] = []
        for path in level:
            if page_kind(path) in found:
                continue
            response = client.get(path)
            found[page_kind(path)] = path
            if depth == DEPTH or response.status_code >= 400 or "html" not in response.content_type:
                continue
            links = _Links()
            links.feed(response.get_data(as_text=True))
            following += [path for href in links.links + links.nav if (path := followable(app, urljoin(path, href)))]
        level = following
    for url in SEARCHES.get(persona, []):
        found.setdefault(url, url)
    for kind, targets in OFF_LINK.get(persona, {}).items():
        for url in (target.format(*re.findall(r"\d+", found[kind])) for target in targets if kind in found):
            found.setdefault(page_kind(url), url)
    return found


#: The sweep runs on the first database backend only (a skipped PostgreSQL test would fail CI's count of them).
ONE_BACKEND = pytest.mark.parametrize("backend", BACKENDS[:1], indirect=True)


@pytest.fixture(scope="session")
def demo_server(backend, tmp_path_factory):
    """A live server of the sweep's own, filled once per test process with the demo data of every domain (its own
    database: the other browser tests empty the shared live server's tables, and the sweep's tests may run between
    theirs)."""
    tmp = tmp_path_factory.mktemp(f"demo-{backend}")
    with fresh_database(backend, tmp) as url:
        app = make_test_app(url, tmp / "media", MAIL_BACKEND="memory")
        upgrade_to_head(app)
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        with serving(app) as server:
            server.video_lesson = convert_one_demo_video(app)
            yield server


#: The kind under which the sweep checks a lesson whose video is converted (the player, its subtitles menu and
#: data-saver switch): the crawl's lesson page may hold no video.
VIDEO_LESSON = "/courses/<id>/lessons/<id> (converted video)"


def convert_one_demo_video(app) -> str:
    """Convert one of the demo courses' videos (the seeding leaves them to a worker; one rendition keeps it quick) in
    a course the demo trainee studies, and give its lesson's path."""
    from app.accounts.models import User
    from app.catalogue.models import Course, Lesson, Material, MaterialKind, MediaStatus
    from app.enrolment.models import Enrolment
    from app.extensions import db
    from app.jobs.models import OutboxMessage
    from app.jobs.outbox import process

    email = _role_account(Role.TRAINEE)[0]
    heights = app.config["MEDIA_RENDITION_HEIGHTS"]
    app.config["MEDIA_RENDITION_HEIGHTS"] = (360,)
    try:
        with app.app_context():
            material = db.session.scalars(
                select(Material).join(Lesson, Lesson.id == Material.lesson_id)
                .join(Enrolment, Enrolment.course_id == Lesson.course_id).join(User, User.id == Enrolment.user_id)
                .where(User.email == email, Material.kind == MaterialKind.VIDEO,
                       Material.media_status == MediaStatus.PROCESSING).order_by(Material.duration_seconds, Material.id)
            ).first()
            assert material is not None, "the demo trainee studies no course with a video"
            message = next(m for m in db.session.scalars(select(OutboxMessage).where(
                OutboxMessage.kind == "catalogue.process_video")) if m.payload.get("material") == material.id)
            lesson = db.session.get(Lesson, material.lesson_id)
            path = f"/courses/{db.session.get(Course, lesson.course_id).id}/lessons/{lesson.id}"
            material_id = material.id
            db.session.remove()
            process(message.id)
            assert db.session.get(Material, material_id).media_status == MediaStatus.READY
            db.session.remove()
    finally:
        app.config["MEDIA_RENDITION_HEIGHTS"] = heights
    return path


@pytest.fixture(scope="session")
def reachable(demo_server) -> dict:
    """{persona: {kind: URL}} for every persona, crawled once per test process."""
    found = {persona: crawl(demo_server.app, persona) for persona in PERSONAS}
    found[Role.TRAINEE][VIDEO_LESSON] = demo_server.video_lesson
    return found


# --- The checks -------------------------------------------------------------------------------------------------

CONTROLS_OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, video, audio';
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (el.closest('.table-wrap')) continue;  // wide tables scroll inside their own box
    if (el.classList.contains('skip-link')) continue;  // off-screen until focused (checked separately)
    if (r.left < -1 || r.right > width + 1) out.push(el.outerHTML.slice(0, 120));
  }
  return out;
}"""

#: Table cells squeezed narrower than 48 px with more than a few characters in them: text wrapped a letter or two
#: per line (the roster's names were 37 px wide). Short cells ("3", "✓") may be narrow. The same for a value beside
#: its term in a list of facts, under 96 px with more than 8 characters (a long term left an e-mail address three
#: lines of a few letters each).
CRUSHED_CELLS = """() => {
  const limits = {TD: [48, 4], TH: [48, 4], DD: [96, 8]};  // narrower than so many px, with more characters than
  return [...document.querySelectorAll('td, th, dd')].filter(cell => {
    const [px, characters] = limits[cell.tagName];
    const box = cell.getBoundingClientRect();
    // a value stacked under its term starts where its list does: only a value beside its term is squeezed by it
    if (cell.tagName === 'DD' && box.left <= cell.parentElement.getBoundingClientRect().left + 8) return false;
    return cell.offsetParent !== null && box.width < px && cell.innerText.trim().length > characters;
  }).map(cell => `${cell.innerText.trim().slice(0, 30)} (${Math.round(cell.getBoundingClientRect().width)}px)`);
}"""

#: What a page is made of, whatever its content: the kinds of element it has (a list of 3 or 30 rows is the same
#: shape; a trainer's page with a form the trainee's lacks is another). axe runs once per kind of page and shape.
SHAPE = """() => [...new Set([...document.querySelectorAll('body *')].map(e => [e.tagName, e.type || '',
    ...[...e.classList].sort()].join('.')))].sort().join(' ')"""

#: resultTypes: axe details only the violations (collecting every pass is most of its time).
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations'],
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})).violations"""


def axe_problems(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return [f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"{[node['target'] for node in violation['nodes'][:3]]}"
            for violation in page.evaluate(AXE_RUN) if violation["impact"] in ("serious", "critical")]


#: A space before a comma in what the reader sees ("Metal-Tech , Suwałki"): a template's line break between an
#: element and the punctuation after it.
STRAY_SPACES = r"""() => (document.body.innerText.match(/\S{1,20}[ \u00a0]+,(?=\s|$)/gm) || [])"""


def layout_problems(page, width: int) -> list[str]:
    overflow, crushed, outside, stray = page.evaluate(f"""() => [
        document.documentElement.scrollWidth - document.documentElement.clientWidth,
        ({CRUSHED_CELLS})(), ({CONTROLS_OUTSIDE})(), ({STRAY_SPACES})()]""")  # one round trip for every page
    return ([f"scrolls sideways by {overflow}px at {width}px"] if overflow > 0 else []) \
        + ([f"table cells too narrow to read at {width}px: {crushed[:3]}"] if crushed else []) \
        + ([f"controls outside the viewport: {outside[:3]}"] if outside else []) \
        + ([f"a space before a comma: {stray[:3]}"] if stray else [])


def log_in_browser(page, server, persona) -> None:
    email, password = demo_account(persona)
    page.goto(server("/login"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form:not(.language-switcher) [type=submit]")
    page.wait_for_load_state()


#: The sweeps: every language on a phone (360x740), where a longer word or label is what overflows the screen or
#: crushes a table (Polish and Lithuanian run longer than English), each page checked for its layout and with axe;
#: and the desktop (1280x800), checked in full (layout and axe) in Lithuanian, the language with the longest words.
#: The desktop's other two languages are not swept: a shorter text cannot overflow a line a longer one fits (the
#: phone, four times narrower, is where a language's length shows, and it runs in all three), and what axe checks
#: is the same markup at either width.
SWEEPS = [("phone", language, True) for language in LANGUAGES] + [("desktop", "lt", True)]
#: What axe has checked in this test process: {(width, language): {(kind, shape), ...}} (one persona's page with the
#: elements of another's is not checked again, whichever test saw it first).
AXED: dict[tuple[str, str], set] = {}


@ONE_BACKEND
@pytest.mark.parametrize("persona", PERSONAS, ids=persona_name)
@pytest.mark.parametrize(("width", "language", "with_axe"), SWEEPS,
                         ids=[f"{width}-{language}{'' if axe else '-layout'}" for width, language, axe in SWEEPS])
def test_every_reachable_page_is_accessible_and_fits_the_screen(browser, demo_server, reachable, request, width,
                                                                language, with_axe, persona):
    """Each persona's pages in one language at one width: a test of its own, so the test processes share them out."""
    viewport = WIDTHS[width]
    problems: list[str] = []
    visited: list[str] = []
    axed = AXED.setdefault((width, language), set())
    started = time.monotonic()
    axe_seconds, axe_runs = 0.0, 0
    label = f"[{persona_name(persona)}/{language}/{width}]"
    # bypass_csp only lets the test inject axe; tests/core/test_security.py checks the pages need no inline code.
    context = browser.new_context(viewport=viewport, locale="en-GB", bypass_csp=True)
    context.route("**/js/training/checkin.js", lambda route: route.abort())  # the confirmation sends itself
    page = context.new_page()
    if persona is not None:
        log_in_browser(page, demo_server, persona)
    page.goto(demo_server("/"))
    page.click(f".language-switcher button[value={language}]")
    page.wait_for_load_state()
    for kind, url in reachable[persona].items():
        response = page.goto(demo_server(url))
        status = response.status if response else "no response"
        visited.append(f"{label} {kind} {url} -> {status}")
        if response is None or response.status >= 400:
            problems.append(f"{label} {url}: HTTP {status}")
            continue
        found = layout_problems(page, viewport["width"])
        if with_axe and (shape := (kind, page.evaluate(SHAPE))) not in axed:
            axed.add(shape)
            before = time.monotonic()
            found += axe_problems(page)
            axe_seconds, axe_runs = axe_seconds + time.monotonic() - before, axe_runs + 1
        problems += [f"{label} {url}: {problem}" for problem in found]
    page.goto(demo_server("/"))
    page.keyboard.press("Tab")  # the first Tab reveals the skip link, inside the viewport
    box = page.locator(".skip-link").bounding_box()
    if not box or box["x"] < 0 or box["x"] + box["width"] > viewport["width"]:
        problems.append(f"{label} skip link not visible on focus: {box}")
    context.close()
    visited.append(f"{label} {len(visited)} pages, axe on {axe_runs} shapes of pages: "
                   f"{time.monotonic() - started:.0f}s, of which axe {axe_seconds:.0f}s")
    request.node.user_properties.append(("sweep_visited", visited))  # listed in the terminal summary (conftest)
    assert not problems, "\n".join(problems)


#: Page kinds the crawl must reach for each persona (it cannot silently shrink): teaching, placements, reports...
MUST_REACH = {
    None: ["/login", "/forgot-password", "/directory/catalogue", "/directory/join", "/bulletin/", "/bulletin/<id>",
           "/bulletin/issues/<id>", "/offline",
           "/events/", "/events/<id>"],
    Role.TRAINEE: ["/courses/<id>/lessons/<id>", VIDEO_LESSON, "/learning/quizzes/<id>",
                   "/learning/attempts/<id>/result", "/meetings/<id>/checkin", "/checkin/<id>/<id>", "/profile",
                   "/notifications/",
                   "/notifications/settings", "/internships/", "/placements/<id>", "/logbook/<id>",
                   "/offline/saved", "/profile/api-tokens", "/api-docs"],
    Role.TRAINER: ["/meetings/<id>/roster", "/teach/courses/<id>", "/teach/lessons/<id>", "/teach/modules/<id>",
                   "/teach/materials/<id>/captions", "/teach/materials/<id>/title",
                   "/teach/courses/new", "/meetings/<id>/edit", "/meetings/<id>", "/meetings/<id>/qr",
                   "/meetings/<id>/scan", "/courses/<id>/meetings/new"],
    Role.MENTOR: ["/bulletin/new", "/mentor/interns", "/placements/<id>", "/placements/<id>/evaluation",
                  "/directory/<id>", "/directory/<id>/entry", "/directory/<id>/history", "/directory/revisions/<id>",
                  "/cooperation/", "/cooperation/<id>", "/cooperation/new"],
    Role.COORDINATOR: ["/placements/", "/placements/<id>", "/directory/<id>", "/directory/catalogue",
                       "/offers/<id>/edit", "/offers/new",
                       "/placements/matching", "/learning/certificates", "/reports/", "/reports/people",
                       "/reports/people/<id>", "/reports/indicators", "/reports/at-risk", "/directory/moderation",
                       "/directory/revisions/<id>", "/directory/<id>/contacts", "/directory/<id>/history",
                       "/directory/employers", "/cooperation/", "/cooperation/<id>", "/cooperation/new",
                       "/cooperation/figures", "/bulletin/issues/new", "/bulletin/<id>/edit",
                       "/events/new", "/events/<id>/edit", "/events/<id>/registrations"],
    MANAGER: ["/firm/<id>/", "/firm/<id>/people/<id>", "/cooperation/", "/cooperation/<id>"],
    Role.ADMIN: ["/audit/", "/admin/users/", "/admin/users/<id>", "/admin/settings", "/admin/jobs/failed",
                 "/admin/api-tokens"],
}


@ONE_BACKEND
def test_the_crawl_reaches_every_named_kind(reachable):
    missing = {persona_name(persona): sorted(set(kinds) - set(reachable[persona]))
               for persona, kinds in MUST_REACH.items()}
    assert not any(missing.values()), missing


def test_the_crawler_counts_objects_of_one_kind_once():
    assert page_kind("/courses/12/lessons/5") == page_kind("/courses/13/lessons/9") == "/courses/<id>/lessons/<id>"
    assert page_kind("/courses/12/lessons/5?page=2#top") == "/courses/<id>/lessons/<id>"
    assert page_kind("/verify/MCC-2026-7F3A9C") == "/verify/<id>"
    assert page_kind("/teach/courses/new") != page_kind("/teach/courses/12")


def test_the_sweep_would_catch_a_violation(browser):
    """Guard against a sweep that passes because it checks nothing."""
    page = browser.new_page()
    page.set_content('<!doctype html><html lang="en"><title>x</title><main><input type="text"></main></html>')
    assert any(problem.startswith("label (") for problem in axe_problems(page))
    page.close()


def test_the_sweep_would_catch_a_crushed_table(browser):
    """A table whose cells may break anywhere, squeezed by a wide column: the check names the crushed cell."""
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.set_content('<!doctype html><html lang="en"><body style="margin:0"><table style="width:100%"><tr>'
                     '<td style="overflow-wrap:anywhere">Gražina Šimkutė</td>'
                     '<td style="white-space:nowrap">2026-12-04 2026-12-05 2026-12-06 2026-12-07</td></tr></table>')
    assert any("too narrow" in problem and "Gražina" in problem for problem in layout_problems(page, 360))
    page.close()


def test_the_sweep_would_catch_a_crushed_fact(browser):
    """A value beside a long term, a few letters a line: the check names it (a stacked value may be narrow)."""
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.set_content('<!doctype html><html lang="en"><body style="margin:0"><dl style="display:grid;'
                     'grid-template-columns:max-content 1fr;overflow-wrap:anywhere;margin:0"><dt>Paskutinis '
                     'prisijungimas prie sistemos ir veikla</dt><dd style="margin:0">kursante@example.com</dd></dl>')
    assert any("too narrow" in problem and "kursante" in problem for problem in layout_problems(page, 360))
    page.set_content('<!doctype html><html lang="en"><body style="margin:0;width:80px"><dl><dt>E-mail</dt>'
                     '<dd style="margin:0">kursante@example.com</dd></dl>')
    assert not layout_problems(page, 360)
    page.close()


def test_the_sweep_would_catch_a_space_before_a_comma(browser):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.set_content('<!doctype html><html lang="en"><body><p><a href="#">Metal-Tech</a>\n, Suwałki</p>')
    assert any("space before a comma" in problem and "Metal-Tech" in problem for problem in layout_problems(page, 360))
    page.set_content('<!doctype html><html lang="en"><body><p><a href="#">Metal-Tech</a>, Suwałki</p>')
    assert not layout_problems(page, 360)
    page.close()
