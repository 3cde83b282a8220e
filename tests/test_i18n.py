"""Spanish first, English second; catalogues complete and compiled."""

import gettext
import json
from pathlib import Path

import django
import pytest
import rest_framework
from django.conf import settings
from django.utils import translation

from .factories import ClientFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/administracion/clientes/"


def test_list_renders_in_spanish_by_default(manager_client):
    ClientFactory(status="inactive")
    html = manager_client.get(LIST_URL).content.decode()
    assert '<html lang="es">' in html
    for text in ["Clientes", "Consultar", "Limpiar", "Crear", "Código", "Inactivo", "Estado"]:
        assert text in html, text


def test_list_renders_in_english_when_the_browser_asks(manager_client):
    ClientFactory(status="inactive")
    html = manager_client.get(LIST_URL, headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en">' in html
    for text in ["Clients", "Query", "Clear", "Create", "Code", "Inactive", "Status"]:
        assert text in html, text
    assert "Consultar" not in html


def test_the_brand_is_spanish_in_spanish(manager_client):
    """The navbar said "Contact center" on Spanish pages."""
    spanish = manager_client.get(LIST_URL).content.decode()
    assert '<i class="bi bi-headset" aria-hidden="true"></i> Centro de contacto</a>' in spanish
    assert "Administración del centro de contacto</title>" in spanish
    assert "Contact center" not in spanish
    english = manager_client.get(LIST_URL, headers={"accept-language": "en"}).content.decode()
    assert '<i class="bi bi-headset" aria-hidden="true"></i> Contact center</a>' in english


def test_form_errors_follow_the_language(manager_client):
    data = {"code": "0"}
    spanish = manager_client.post("/administracion/clientes/crear/", data)
    english = manager_client.post(
        "/administracion/clientes/crear/", data, headers={"accept-language": "en"}
    )
    assert "Este campo es obligatorio." in spanish.content.decode()
    assert "This field is required." in english.content.decode()


def read_po(path):
    """(msgid, msgid_plural or None) -> list of translations, for each .po entry."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n")[1:]:
        parts, current = {}, None
        for line in block.splitlines():
            keyword, _, rest = line.partition(" ")
            if keyword.startswith("msg"):
                current, line = keyword, rest
            if current and line.startswith('"'):
                parts[current] = parts.get(current, "") + json.loads(line)
        forms = [value for key, value in sorted(parts.items()) if key.startswith("msgstr")]
        entries[parts["msgid"], parts.get("msgid_plural")] = forms
    return entries


@pytest.mark.parametrize("language", ["es", "en"])
def test_catalogues_are_complete_and_compiled(language):
    folder = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES"
    entries = read_po(folder / "django.po")
    assert ("Clients", None) in entries
    with (folder / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for (msgid, plural), forms in entries.items():
        if language == "es":
            assert all(forms), f"untranslated: {msgid}"
        if plural is None:
            assert catalogue.gettext(msgid) == (forms[0] or msgid), f"stale .mo: {msgid}"
        else:
            assert catalogue.ngettext(msgid, plural, 1) == (forms[0] or msgid), msgid


def test_the_user_can_switch_language_from_the_menu(manager_client):
    response = manager_client.post(
        "/i18n/setlang/", {"language": "en", "next": LIST_URL}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Query" in html
    assert 'name="language" value="es"' in html


def test_django_wording_wins_over_the_api_frameworks_catalogue():
    """DRF's Spanish catalogue rewords some of Django's messages; the UI keeps Django's."""
    catalogues = {
        package: gettext.translation(
            "django", Path(package.__file__).parent / folder, languages=["es"]
        )._catalog
        for package, folder in [(django, "conf/locale"), (rest_framework, "locale")]
    }
    reworded = [
        msgid
        for msgid, text in catalogues[rest_framework].items()
        if msgid and isinstance(msgid, str) and catalogues[django].get(msgid, text) != text
    ]
    assert "This field is required." in reworded
    with translation.override("es"):
        for msgid in reworded:
            assert translation.gettext(msgid) == catalogues[django][msgid], msgid
