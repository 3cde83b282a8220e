"""Who may see, create and edit clients (SPEC: Permissions)."""

import pytest

from clients.models import Client

from .factories import ClientFactory, form_data
from .html import shows

pytestmark = pytest.mark.django_db

LIST_URL = "/administracion/clientes/"
CREATE_URL = "/administracion/clientes/crear/"
UPDATE_URL = "/administracion/clientes/700/editar/"
HISTORY_URL = "/administracion/clientes/700/historial/"
ADMIN_URL = "/admin/clients/client/"
POST_DATA = form_data(code=800, name="Intruso", status="inactive")


@pytest.fixture(autouse=True)
def existing_client(db):
    return ClientFactory(code=700, name="Original")


def assert_nothing_changed():
    assert list(Client.objects.values_list("code", "name", "status")) == [
        (700, "Original", "active")
    ]


@pytest.mark.parametrize("url", [LIST_URL, CREATE_URL, UPDATE_URL, HISTORY_URL, "/"])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    assert "Iniciar sesión" in response.content.decode()


@pytest.mark.parametrize("url", [CREATE_URL, UPDATE_URL])
def test_anonymous_posts_change_nothing(client, url):
    response = client.post(url, POST_DATA)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert_nothing_changed()


@pytest.mark.parametrize("url", [LIST_URL, CREATE_URL, UPDATE_URL, HISTORY_URL])
def test_users_without_permissions_get_403(client, make_user, url):
    client.force_login(make_user())
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [ADMIN_URL, f"{ADMIN_URL}add/"])
def test_the_django_admin_refuses_anonymous_and_non_staff_users(client, make_user, url):
    assert client.get(url)["Location"].startswith("/admin/login/")
    assert client.post(url, POST_DATA)["Location"].startswith("/admin/login/")
    client.force_login(make_user("view_client", "add_client", "change_client"))
    assert client.get(url)["Location"].startswith("/admin/login/")
    assert client.post(url, POST_DATA)["Location"].startswith("/admin/login/")
    assert_nothing_changed()


def test_staff_without_client_permissions_cannot_use_the_client_admin(client, make_user):
    client.force_login(make_user(is_staff=True))
    assert client.get(ADMIN_URL).status_code == 403
    assert client.post(f"{ADMIN_URL}add/", POST_DATA).status_code == 403
    assert_nothing_changed()


@pytest.mark.parametrize("url", [CREATE_URL, UPDATE_URL])
def test_view_only_users_cannot_create_or_edit_even_by_direct_post(client, make_user, url):
    client.force_login(make_user("view_client"))
    assert client.get(url).status_code == 403
    assert client.post(url, POST_DATA).status_code == 403
    assert_nothing_changed()


def test_view_only_users_see_the_list_without_create_or_edit_buttons(client, make_user):
    client.force_login(make_user("view_client"))
    response = client.get(LIST_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Original" in html
    assert CREATE_URL not in html
    assert UPDATE_URL not in html
    assert "bi-pencil" not in html
    assert HISTORY_URL in html  # the history is theirs to read


def test_editors_without_add_permission_see_edit_but_not_create(client, make_user):
    client.force_login(make_user("view_client", "change_client"))
    html = client.get(LIST_URL).content.decode()
    assert UPDATE_URL in html
    assert CREATE_URL not in html


def test_creators_without_change_permission_see_create_but_not_edit(client, make_user):
    client.force_login(make_user("view_client", "add_client"))
    html = client.get(LIST_URL).content.decode()
    assert CREATE_URL in html
    assert UPDATE_URL not in html


def test_full_permissions_see_everything(client, make_user):
    client.force_login(make_user("view_client", "add_client", "change_client"))
    html = client.get(LIST_URL).content.decode()
    assert CREATE_URL in html and UPDATE_URL in html


def test_the_menu_lists_clientes_only_for_those_who_may_see_them(client, make_user):
    client.force_login(make_user())
    html = client.get("/accounts/login/").content.decode()
    assert shows(html, "Administración")
    assert f'href="{LIST_URL}"' not in html
    client.force_login(make_user("view_client"))
    html = client.get(LIST_URL).content.decode()
    assert shows(html, "Administración")
    assert f'href="{LIST_URL}">Clientes</a>' in html


def test_login_page_is_styled_like_the_app_and_logs_in(client, make_user):
    make_user("view_client", username="ana")
    page = client.get("/accounts/login/").content.decode()
    assert "vendor/bootstrap/bootstrap.min.css" in page
    assert 'name="username"' in page and 'name="password"' in page
    response = client.post(
        "/accounts/login/", {"username": "ana", "password": "s3cret-pass"}, follow=True
    )
    assert response.redirect_chain[-1][0] == LIST_URL
    assert "ana" in response.content.decode()


def test_wrong_password_shows_an_error_in_spanish(client, make_user):
    make_user(username="ana")
    response = client.post("/accounts/login/", {"username": "ana", "password": "nope"})
    assert response.status_code == 200
    assert "Por favor, introduzca un nombre de usuario" in response.content.decode()


def test_logout_by_post_ends_the_session(client, make_user):
    client.force_login(make_user("view_client"))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get(LIST_URL).status_code == 302
