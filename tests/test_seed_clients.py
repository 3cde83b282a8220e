"""``manage.py seed_clients``: realistic clients in bulk, stored like any other."""

import io

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
    assert "Created 300 clients, codes 501 to 800." in out.getvalue()
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
    with pytest.raises(Exception, match="at least 1"):
        call_command("seed_clients", "0")
