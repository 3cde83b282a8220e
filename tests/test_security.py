"""Headers, login throttling, CSRF and escaping."""

import pytest
from django.test import Client as Browser

from clients.models import Client

from .factories import ClientFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def test_pages_send_security_headers(manager_client):
    response = manager_client.get("/administracion/clientes/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "url",
    [
        "/administracion/clientes/",
        "/administracion/clientes/crear/",
        "/administracion/clientes/700/editar/",
        "/administracion/clientes/700/historial/",
        LOGIN_URL,
    ],
)
def test_pages_have_no_inline_scripts(manager_client, url):
    ClientFactory(code=700)
    html = manager_client.get(url).content.decode()
    assert "<script>" not in html
    assert "onclick=" not in html and "javascript:" not in html
    assert html.count("<script") == html.count('<script src="/static/')


def test_login_is_locked_at_the_fifth_failure(client, make_user):
    make_user("view_client", username="ana")
    for _ in range(4):
        failed = client.post(LOGIN_URL, {"username": "ana", "password": "mal"})
        assert failed.status_code == 200
    assert client.post(LOGIN_URL, {"username": "ana", "password": "mal"}).status_code == 429
    # Now even the right password is refused until the cool-off ends.
    locked = client.post(LOGIN_URL, {"username": "ana", "password": "s3cret-pass"})
    assert locked.status_code == 429
    assert "Demasiados intentos fallidos" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock_the_user(client, make_user):
    make_user("view_client", username="ana")
    for _ in range(4):
        client.post(LOGIN_URL, {"username": "ana", "password": "mal"})
    response = client.post(LOGIN_URL, {"username": "ana", "password": "s3cret-pass"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "url", ["/administracion/clientes/crear/", "/administracion/clientes/700/editar/"]
)
def test_forms_refuse_posts_without_the_csrf_token(make_user, url):
    ClientFactory(code=700, name="Original")
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(make_user("view_client", "add_client", "change_client"))
    page = browser.get(url).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    response = browser.post(url, {"code": "1", "name": "Sin token"})
    assert response.status_code == 403
    assert list(Client.objects.values_list("name", flat=True)) == ["Original"]


def test_html_in_names_is_shown_escaped(manager_client):
    ClientFactory(code=700, name='<script>alert("x")</script> S.A.')
    for url in [
        "/administracion/clientes/",
        "/administracion/clientes/700/editar/",
        "/administracion/clientes/700/historial/",
    ]:
        html = manager_client.get(url).content.decode()
        assert '<script>alert("x")' not in html, url
        assert "&lt;script&gt;alert(" in html, url
