"""What every operator command shares (clients/management/base.py): it speaks the
site's language, Spanish, or the one ``--lang`` names, from its help to
argparse's errors, whatever the shell's locale."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from clients.management.base import CountBar, language_in

COMMANDS = sorted(
    path.stem
    for path in (Path(settings.BASE_DIR) / "clients" / "management" / "commands").glob("*.py")
    if path.stem != "__init__"
)


def test_every_project_command_is_listed():
    assert COMMANDS == [
        "deliver_webhooks",
        "export_clients",
        "import_clients",
        "load_demo",
        "seed_clients",
        "set_client_status",
        "webhooks",
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_spanish_by_default_and_english_with_lang_en(manage, command):
    spanish = manage(command, "--help")
    assert spanish.returncode == 0, spanish.stderr
    assert spanish.stdout.startswith(f"uso: manage.py {command} ")
    assert "  -h, --help            mostrar esta ayuda y terminar" in spanish.stdout
    assert "--lang {es,en}        Idioma de los mensajes (por omisión: es)." in spanish.stdout
    assert "Nivel de detalle" in spanish.stdout  # Django's own options too
    for english in ["usage:", "show this help", "options:", "Verbosity level"]:
        assert english not in spanish.stdout, english
    english = manage(command, "--help", "--lang", "en")
    assert english.returncode == 0, english.stderr
    assert english.stdout.startswith(f"usage: manage.py {command} ")
    assert "show this help message and exit" in english.stdout
    assert "Verbosity level" in english.stdout
    assert "mostrar esta ayuda" not in english.stdout


def test_manage_help_command_is_spanish(manage):
    """``manage.py help COMMAND`` prints the same help, in the site's language."""
    result = manage("help", "export_clients")
    assert result.stdout.startswith("uso: manage.py export_clients ")
    assert "Exporta los clientes en orden de código" in result.stdout


@pytest.mark.parametrize(
    ("args", "spanish", "english"),
    [
        (
            ["export_clients", "--status", "foo"],
            "argumento --status: valor no válido: 'foo' (elija entre 'active', 'inactive')",
            "argument --status: invalid choice: 'foo' (choose from 'active', 'inactive')",
        ),
        (
            ["export_clients", "--bogus"],
            "argumentos no reconocidos: --bogus",
            "unrecognized arguments: --bogus",
        ),
        (
            ["seed_clients", "many"],
            "argumento N: valor no válido para int: 'many'",
            "argument N: invalid int value: 'many'",
        ),
        (
            ["export_clients", "--output"],
            "argumento --output/-o: falta su valor",
            "argument --output/-o: expected one argument",
        ),
    ],
)
def test_argparse_errors_follow_the_language(manage, args, spanish, english):
    result = manage(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(f"uso: manage.py {args[0]} ")
    assert result.stderr.endswith(f"manage.py {args[0]}: error: {spanish}\n")
    result = manage(*args, "--lang", "en")
    assert result.returncode == 2
    assert result.stderr.endswith(f"manage.py {args[0]}: error: {english}\n")


def test_an_unknown_language_is_refused_in_the_sites(manage):
    result = manage("export_clients", "--lang", "fr")
    assert result.returncode == 2
    assert "argumento --lang: valor no válido: 'fr' (elija entre 'es', 'en')" in result.stderr


def test_lang_given_twice_is_the_last_one_as_argparse_reads_it():
    """The first was chosen for the words while argparse kept the last: an English
    error for a Spanish-looking "--lang en --lang xx"."""
    assert language_in(["--lang", "en", "--lang", "xx"]) == "es"
    assert language_in(["--lang=es", "--lang", "en"]) == "en"


def test_the_sites_language_is_the_default(manage, tmp_path):
    """``LANGUAGE_CODE`` chooses; a site in English gets English with no --lang."""
    settings_module = tmp_path / "english_site.py"
    settings_module.write_text('from config.settings import *  # noqa\nLANGUAGE_CODE = "en"\n')
    result = manage(
        "export_clients", "--bogus", "--pythonpath", tmp_path, "--settings", "english_site"
    )
    assert result.stderr.endswith("error: unrecognized arguments: --bogus\n"), result.stderr


@pytest.mark.parametrize(
    ("language", "expected"), [("es", "1.234/10.000 ["), ("en", "1,234/10,000 [")]
)
def test_the_progress_bar_groups_its_counts(language, expected):
    out = io.StringIO()
    bar = CountBar(total=10_000, unit=" clients", file=out, mininterval=0)
    with translation.override(language), bar:
        bar.update(1234)
    assert expected in out.getvalue()
