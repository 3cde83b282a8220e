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
    fifth = client.post(LOGIN_URL, {"username": "ana", "password": "mal"})
    assert (fifth.status_code, fifth["Retry-After"]) == (429, "900")
    # Now even the right password is refused until the cool-off ends.
    locked = client.post(LOGIN_URL, {"username": "ana", "password": "s3cret-pass"})
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"  # 15 minutes, started again by this attempt
    assert "Demasiados intentos fallidos" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock_the_user(client, make_user):
    make_user("view_client", username="ana")
    for _ in range(4):
        client.post(LOGIN_URL, {"username": "ana", "password": "mal"})
    response = client.post(LOGIN_URL, {"username": "ana", "password": "s3cret-pass"})
    assert response.status_code == 302


def fail(client, username, times=1, **extra):
    """``times`` wrong passwords for ``username``; the last answer."""
    for _ in range(times):
        response = client.post(LOGIN_URL, {"username": username, "password": "mal"}, **extra)
    return response


def test_password_spraying_from_one_address_locks_the_address(client, make_user):
    """Four wrong passwords on each of many user names never reach the limit of
    five per user name; the twentieth failure from the address locks it."""
    make_user("view_client", username="ana")
    for number in range(4):
        assert fail(client, f"usuario{number}", times=4).status_code == 200
    assert fail(client, "usuario4", times=3).status_code == 200  # 19 failures
    twentieth = fail(client, "usuario4")
    assert (twentieth.status_code, twentieth["Retry-After"]) == (429, "900")
    # Every user name from that address now waits, with the right password too...
    locked = client.post(LOGIN_URL, {"username": "ana", "password": "s3cret-pass"})
    assert locked.status_code == 429
    assert "Demasiados intentos fallidos" in locked.content.decode()
    # ...but not from another address.
    elsewhere = Browser(REMOTE_ADDR="192.0.2.44")
    assert (
        elsewhere.post(LOGIN_URL, {"username": "ana", "password": "s3cret-pass"}).status_code == 302
    )


def test_a_successful_login_does_not_clear_the_addresss_count(client, make_user):
    make_user("view_client", username="ana")
    for number in range(19):
        fail(client, f"usuario{number}")
    assert client.post(LOGIN_URL, {"username": "ana", "password": "s3cret-pass"}).status_code == 302
    client.logout()
    assert fail(client, "usuario19").status_code == 429


# Behind the README's nginx every request comes from 127.0.0.1, and nginx
# appends the address it saw to whatever X-Forwarded-For the client sent.
BEHIND_NGINX = {"REMOTE_ADDR": "127.0.0.1"}


def via_proxy(address, claimed=None):
    forwarded = f"{claimed}, {address}" if claimed else address
    return {**BEHIND_NGINX, "HTTP_X_FORWARDED_FOR": forwarded}


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_the_proxy_a_locked_user_name_stays_open_from_other_addresses(
    client, make_user, behind_proxy
):
    """Before: five wrong passwords from anyone locked the account for everyone."""
    make_user("view_client", username="ana")
    assert fail(client, "ana", times=5, **via_proxy("203.0.113.5")).status_code == 429
    right = {"username": "ana", "password": "s3cret-pass"}
    assert client.post(LOGIN_URL, right, **via_proxy("203.0.113.5")).status_code == 429
    assert client.post(LOGIN_URL, right, **via_proxy("198.51.100.7")).status_code == 302


def test_behind_the_proxy_what_the_client_writes_in_the_header_counts_for_nothing(
    client, make_user, behind_proxy
):
    make_user("view_client", username="ana")
    for number in range(4):
        fail(client, "ana", **via_proxy("203.0.113.5", claimed=f"10.0.0.{number}"))
    fifth = fail(client, "ana", **via_proxy("203.0.113.5", claimed="10.0.0.99"))
    assert fifth.status_code == 429
    right = {"username": "ana", "password": "s3cret-pass"}
    spoofed = via_proxy("203.0.113.5", claimed="198.51.100.7")
    assert client.post(LOGIN_URL, right, **spoofed).status_code == 429


@pytest.mark.parametrize(
    ("behind", "proxies", "forwarded", "expected"),
    [
        (False, 1, "203.0.113.5", "127.0.0.1"),  # no proxy: anyone can send the header
        (True, 1, "", "127.0.0.1"),  # the proxy did not say
        (True, 1, "203.0.113.5", "203.0.113.5"),
        (True, 1, "10.9.9.9, 203.0.113.5", "203.0.113.5"),  # the client's own claim is ignored
        (True, 2, "10.9.9.9, 203.0.113.5, 192.0.2.1", "203.0.113.5"),  # load balancer + nginx
        (True, 2, "203.0.113.5", "203.0.113.5"),  # fewer hops than proxies
        (True, 1, "2001:db8::1", "2001:db8::1"),
        (True, 1, "not-an-address", "127.0.0.1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, behind, proxies, forwarded, expected):
    from django.test import RequestFactory

    from config.login_throttle import client_ip

    settings.BEHIND_TLS_PROXY = behind
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, **BEHIND_NGINX)
    assert client_ip(request) == expected


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


def test_the_administrator_tools_refuse_posts_without_the_csrf_token(make_user):
    """Bulk edit, Deshacer, Importar and its Confirmar change many clients at once:
    a page elsewhere must not make a logged-in administrator's browser post them."""
    from clients.models import Batch, PendingImport

    from .test_bulk_edit import confirm_fields, preview

    ClientFactory(code=700, name="Original", sla_optimal_seconds=20, sla_low_seconds=60)
    user = make_user("view_client", "add_client", "change_client")
    trusted = Browser()
    trusted.force_login(user)
    fields = confirm_fields(preview(trusted, [700], sla_low_seconds=90))
    batch = Batch.objects.create(kind=Batch.Kind.COMMAND)
    pending = PendingImport.objects.create(
        owner=user, file_name="c.csv", seen_history_id=0, expires_at="2999-01-01T00:00Z",
        report={"created": 1, "updated": 0, "unchanged": 0, "rejected": 0},
    )  # fmt: skip
    browser = Browser(enforce_csrf_checks=True)
    browser.force_login(user)
    for url, data in [
        ("/administracion/clientes/lote/", dict(fields) | {"codes": ["700"]}),
        (f"/administracion/lotes/{batch.pk}/deshacer/", {}),
        ("/administracion/clientes/importar/", {}),
        (f"/administracion/clientes/importar/{pending.pk}/confirmar/", {}),
    ]:
        assert browser.post(url, data).status_code == 403, url
    assert Client.objects.get(code=700).sla_low_seconds == 60
    assert Batch.objects.count() == 1


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
