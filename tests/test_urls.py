"""Site-wide addresses that are not pages of the app."""

import pytest


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_vendored_icon(client):
    """Browsers ask for /favicon.ico on their own; it was a 404 on every admin page."""
    response = client.get("/favicon.ico")
    assert response.status_code in {301, 302}
    assert response["Location"] == "/static/favicon.ico"
    icon = client.get(response["Location"])  # served by WhiteNoise
    assert icon.status_code == 200
    assert icon["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_pages_link_the_icon(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html
