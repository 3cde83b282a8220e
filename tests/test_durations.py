"""Seconds shown as minutes and hours, in the list and under the SLA fields."""

import pytest
from django.utils import translation

from clients.durations import humanize_seconds, spell_seconds

from .factories import ClientFactory
from .html import shows


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0 s"),
        (1, "1 s"),
        (59, "59 s"),
        (60, "1 min"),
        (90, "1 min 30 s"),
        (600, "10 min"),
        (3599, "59 min 59 s"),
        (3600, "1 h"),
        (3601, "1 h 1 s"),
        (5400, "1 h 30 min"),
        (86_399, "23 h 59 min 59 s"),
        (86_400, "24 h"),
    ],
)
def test_humanize_seconds(seconds, shown):
    assert humanize_seconds(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "spanish", "english"),
    [
        (0, "0 segundos", "0 seconds"),
        (1, "1 segundo", "1 second"),
        (90, "1 minuto 30 segundos", "1 minute 30 seconds"),
        (3601, "1 hora 1 segundo", "1 hour 1 second"),
        (86_400, "24 horas", "24 hours"),
    ],
)
def test_spell_seconds_in_words_of_the_language(seconds, spanish, english):
    """For sentences such as a range error's: "Entre 1 y 86.400 segundos (24 horas)"."""
    with translation.override("es"):
        assert spell_seconds(seconds) == spanish
    with translation.override("en"):
        assert spell_seconds(seconds) == english


def test_a_negative_duration_is_a_mistake_not_a_time():
    with pytest.raises(ValueError, match="negative"):
        humanize_seconds(-1)


@pytest.mark.django_db
def test_the_list_shows_seconds_as_minutes_and_hours(manager_client):
    ClientFactory(
        code=1,
        sla_optimal_seconds=45,
        sla_low_seconds=90,
        max_history_conversations=5,
        inactivity_alert_attempts=3,
        max_inactivity_seconds=3600,
    )
    html = manager_client.get("/administracion/clientes/").content.decode()
    for shown in ["45 s", "1 min 30 s", "1 h"]:
        assert shows(html, shown), shown
    assert not shows(html, "90")
