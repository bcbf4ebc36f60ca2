"""The trainee's personal QR ticket is a standalone SVG image a browser displays (not its alt text)."""

from __future__ import annotations

from defusedxml import ElementTree

from app.core.permissions import Role
from tests.factories import create_user

SVG = "{http://www.w3.org/2000/svg}"


def test_the_ticket_is_a_standalone_svg_with_its_namespace(client, login, db):
    trainee = create_user(Role.TRAINEE)
    db.session.commit()
    login(trainee)
    response = client.get("/my/ticket.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "no-store" in response.headers["Cache-Control"]
    root = ElementTree.fromstring(response.data)
    assert root.tag == f"{SVG}svg"  # without the namespace a browser shows the image as broken
    assert root.find(f".//{SVG}path") is not None
    # Its own size and a viewBox: it has a natural size and scales to the page's box without cropping.
    width, height = int(root.get("width")), int(root.get("height"))
    assert width == height >= 150 and root.get("viewBox") == f"0 0 {width} {height}"

