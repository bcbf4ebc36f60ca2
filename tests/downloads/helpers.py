"""Asking for a generated download as a browser does, with its build done here by ``work_off``."""

from __future__ import annotations

from tests.workoff import work_off


def ask(client, url: str) -> str:
    """GET the export or pack link: it answers with the progress page (returned)."""
    response = client.get(url)
    assert response.status_code == 303, f"{url}: {response.status_code}"
    assert response.location.startswith("/downloads/"), response.location
    return response.location


def fetch_generated(client, url: str):
    """The file behind ``url``: asked for, built by a (here, in-process) worker, and downloaded by its asker."""
    page = ask(client, url)
    work_off("downloads.build")
    status = client.get(page + "/status").json
    assert status["status"] == "ready", status
    response = client.get(status["url"])
    assert response.status_code == 200, response.status_code
    return response
