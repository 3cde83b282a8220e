"""``manage.py seed_clients``: realistic clients in bulk, stored like any other."""

import io
import re

import pytest
from django.core.management import call_command

from clients.models import Client

from .factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_seed_clients_creates_realistic_valid_searchable_clients():
    ClientFactory(code=500)
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_clients", "300", "--seed", "7", stdout=out, stderr=err)
    seeded = Client.objects.filter(code__gt=500).order_by("code")
    assert seeded.count() == 300
    assert (seeded.first().code, seeded.last().code) == (501, 800)
    assert "Creados 300 clientes, códigos 501 a 800." in out.getvalue()
    assert set(seeded.values_list("status", flat=True)) == {"active", "inactive"}
    assert any(not name.isascii() for name in seeded.values_list("name", flat=True))
    for client in seeded[:50]:
        client.full_clean()
    accented = next(c for c in seeded if "Telefónica" in c.name)
    assert accented in Client.objects.search_name("telefonica")


def test_seeded_clients_have_their_first_history_entry():
    call_command("seed_clients", "20", stdout=io.StringIO(), stderr=io.StringIO())
    assert Client.history.filter(history_type="+").count() == 20


def test_seed_clients_refuses_a_bad_count():
    with pytest.raises(Exception, match="N debe ser al menos 1"):
        call_command("seed_clients", "0")


def test_seed_clients_summary_groups_thousands_in_the_language_asked(settings):
    out = io.StringIO()
    call_command("seed_clients", "1200", "--seed", "1", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == "Creados 1.200 clientes, códigos 1 a 1200.\n"
    out = io.StringIO()
    call_command("seed_clients", "1", "--lang", "en", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == "Created 1 client, codes 1201 to 1201.\n"


def test_the_progress_bar_counts_the_clients_created_not_the_codes(monkeypatch):
    """Codes that do not start at a round number once made the bar run past its total."""
    from clients.management.commands import seed_clients

    monkeypatch.setattr(seed_clients, "PROGRESS_EVERY", 4_000)
    ClientFactory(code=3_999)
    err = io.StringIO()
    call_command("seed_clients", "10000", stdout=io.StringIO(), stderr=err)
    # The bar writes "4.000/10.000 [..., 2.345 clientes/s]"; past its total, "12.000/10.000".
    found = re.findall(r"([\d.]+)/10\.000", err.getvalue())
    counts = [int(count.replace(".", "")) for count in found]
    assert counts and max(counts) == 10_000
    assert "10.000/10.000 [" in err.getvalue() and " clientes/s]" in err.getvalue()
