"""The API's pages in Chromium: the interactive documentation runs under the strict CSP (no inline script) and,
with the token pages, passes axe and the layout checks of the accessibility sweep at phone and desktop widths.
(The sweep itself reaches them too: its MUST_REACH names them.)"""

from __future__ import annotations

import pytest

from app.core.permissions import Role
from tests.e2e.conftest import (  # noqa: F401  (fixtures)
    browser,
    browser_context_args,
    browser_login,
    browser_type_launch_args,
    live_server,
    live_server_session,
)
from tests.e2e.test_accessibility_sweep import AXE, WIDTHS, layout_problems

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]
AXE_SERIOUS = """() => axe.run().then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                 .map(v => v.id + ': ' + v.help + ' ' + JSON.stringify(v.nodes.slice(0, 3).map(n => n.target))))"""


def _check(page, width: int) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return layout_problems(page, width) + page.evaluate(AXE_SERIOUS)


def test_docs_run_under_the_csp(browser, live_server):  # noqa: F811
    context = browser.new_context()  # the site's own CSP in force
    page = context.new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(live_server("/api-docs"))
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.locator(".swagger-ui .opblock").count() >= 20
    assert blocked == []
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_api_pages_are_accessible_and_fit(browser, live_server, width):  # noqa: F811
    from tests.factories import create_user

    with live_server.app.app_context():
        admin = create_user(Role.ADMIN).email
    context = browser.new_context(viewport=WIDTHS[width], locale="en-GB", bypass_csp=True)  # to inject axe
    page = context.new_page()
    page.goto(live_server("/login"))
    page.fill("input[name=email]", admin)
    page.fill("input[name=password]", "correct horse battery")
    page.click("form:not(.language-switcher) [type=submit]")
    page.wait_for_load_state()
    problems = []
    for path in ("/profile/api-tokens", "/admin/api-tokens", "/api-docs"):
        page.goto(live_server(path))
        if path == "/api-docs":
            page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
        problems += [f"{path}: {p}" for p in _check(page, WIDTHS[width]["width"])]
    # A new token: the page that shows the secret once.
    page.goto(live_server("/profile/api-tokens"))
    page.fill("input[name=name]", "Telefon")
    page.check("input[name=scopes][value=read]")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()
    assert page.locator("#token-secret").inner_text().startswith("mcc_")
    problems += [f"new token: {p}" for p in _check(page, WIDTHS[width]["width"])]
    context.close()
    assert problems == [], "\n".join(problems)
