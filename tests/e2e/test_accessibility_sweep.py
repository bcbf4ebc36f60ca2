"""Accessibility and phone-width sweep: every page in the navigation, for every role, in pl, lt and en.

Runs axe-core (vendored in tests/e2e/vendor, served to the page from disk) and fails on serious or critical
violations; at 360x740 no page may scroll sideways and every visible control must lie within the viewport.
The demo data (``flask seed-demo``) fills the pages, so the sweep grows with every feature's demo seeder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.accounts.demo import DEMO_USERS
from app.core.i18n import LANGUAGES
from app.core.permissions import Role
from tests.dbutil import truncate_all

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

VISITED: list[str] = []

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


@pytest.fixture(scope="module")
def demo_server(live_server_session):
    """The live server filled once with the demo data of every domain."""
    truncate_all(live_server_session.app)
    runner = live_server_session.app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return live_server_session


#: Logged-in people by what they do; a mentor is a trainer-role account linked to a host firm.
PERSONAS = [None, *Role, "mentor"]
#: Pages one click below the navigation that people use every day: (list page, link to its first item).
DETAIL_LINKS = {"/companies/": ".card-list a[href^='/companies/']",
                "/placements/": "tbody a[href^='/placements/']",
                "/mentor/interns": ".card-list a[href^='/placements/']",
                "/internships/": "a[href^='/placements/']",
                "/reports/": "#total-enrolled",
                "/reports/at-risk": "tbody a[href^='/reports/people/']"}


def demo_account(persona) -> tuple[str, str]:
    if persona == "mentor":
        from app.placements.demo import MENTOR_PASSWORD, MENTORS

        return MENTORS[0][0], MENTOR_PASSWORD
    return next((email, password) for email, password, _, r, *_ in DEMO_USERS if r == persona)


def persona_name(persona) -> str:
    return "anonymous" if persona is None else getattr(persona, "value", persona)


def nav_paths(page) -> list[str]:
    hrefs = page.eval_on_selector_all("nav.main-nav a[href]", "els => els.map(e => e.getAttribute('href'))")
    return sorted({h for h in hrefs if h.startswith("/")} | {"/"})


#: Table cells squeezed narrower than 48 px with more than a few characters in them: text wrapped a letter or two
#: per line (the roster's names were 37 px wide). Short cells ("3", "✓") may be narrow.
CRUSHED_CELLS = """() => [...document.querySelectorAll('td, th')]
    .filter(cell => cell.offsetParent !== null && cell.innerText.trim().length > 4
                    && cell.getBoundingClientRect().width < 48)
    .map(cell => `${cell.innerText.trim().slice(0, 30)} (${Math.round(cell.getBoundingClientRect().width)}px)`)"""


def check_page(page, url: str, label: str, problems: list[str]) -> None:
    response = page.goto(url)
    VISITED.append(f"{label} {url} -> {response.status if response else '?'}")
    if response is None or response.status >= 400:
        problems.append(f"{label} {url}: HTTP {response.status if response else 'no response'}")
        return
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        problems.append(f"{label} {url}: scrolls sideways by {overflow}px at 360px")
    crushed = page.evaluate(CRUSHED_CELLS)
    if crushed:
        problems.append(f"{label} {url}: table cells too narrow to read at 360px: {crushed[:3]}")
    outside = page.evaluate(CONTROLS_OUTSIDE)
    if outside:
        problems.append(f"{label} {url}: controls outside the viewport: {outside[:3]}")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"][:3]]
            problems.append(f"{label} {url}: {violation['id']} ({violation['impact']}): {violation['help']} {targets}")


@pytest.mark.parametrize("role", PERSONAS, ids=persona_name)
def test_every_navigation_page_is_accessible_and_fits_a_phone(browser, demo_server, role):
    # bypass_csp only lets the test inject axe; tests/core/test_security.py checks the pages need no inline code.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    problems: list[str] = []
    if role is not None:
        email, password = demo_account(role)
        page.goto(demo_server("/login"))
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("form:not(.language-switcher) [type=submit]")
        page.wait_for_load_state()
    for language in LANGUAGES:
        page.goto(demo_server("/"))
        page.click(f".language-switcher button[value={language}]")
        page.wait_for_load_state()
        label = f"[{persona_name(role)}/{language}]"
        extra = ["/login", "/forgot-password"] if role is None else []
        for path in sorted(set(nav_paths(page)) | set(extra)):
            check_page(page, demo_server(path), label, problems)
            detail = page.locator(DETAIL_LINKS[path]).first if path in DETAIL_LINKS else None
            if detail is not None and detail.count():
                check_page(page, demo_server(detail.get_attribute("href")), label, problems)
    page.goto(demo_server("/"))
    page.keyboard.press("Tab")  # the first Tab reveals the skip link, inside the viewport
    box = page.locator(".skip-link").bounding_box()
    if not box or box["x"] < 0 or box["x"] + box["width"] > 360:
        problems.append(f"skip link not visible on focus: {box}")
    context.close()
    assert not problems, "\n".join(problems)


def test_the_sweep_would_catch_a_violation(browser):
    """Guard against a sweep that passes because it checks nothing."""
    page = browser.new_page()
    page.set_content('<!doctype html><html lang="en"><title>x</title><main><input type="text"></main></html>')
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    assert "label" in {v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")}
    page.close()


def test_the_sweep_would_catch_a_crushed_table(browser):
    """A table whose cells may break anywhere, squeezed by a wide column: the check names the crushed cell."""
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.set_content('<!doctype html><html lang="en"><body style="margin:0"><table style="width:100%"><tr>'
                     '<td style="overflow-wrap:anywhere">Gražina Šimkutė</td>'
                     '<td style="white-space:nowrap">2026-12-04 2026-12-05 2026-12-06 2026-12-07</td></tr></table>')
    assert page.evaluate(CRUSHED_CELLS)[0].startswith("Gražina")
    page.close()
