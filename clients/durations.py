"""Durations as people read them: 90 seconds is "1 min 30 s" in a table, and
"1 minuto 30 segundos" in a sentence.

``static/js/sla-bands.js`` repeats this rule to update the form as the user
types; the browser tests check that both give the same text.
"""

from django.utils.translation import ngettext

from .formats import grouped

#: Largest first. Hours are the largest unit because no duration of a client
#: exceeds one day, and "24 h" reads better beside "23 h 59 min" than "1 d".
#: The symbols are the international ones, the same in Spanish and English.
UNITS = (("h", 3600), ("min", 60), ("s", 1))


def humanize_seconds(seconds):
    """Whole seconds as hours, minutes and seconds, leaving out the zero parts."""
    if seconds < 0:
        raise ValueError(f"A duration cannot be negative: {seconds}")
    parts = []
    rest = seconds
    for symbol, size in UNITS:
        amount, rest = divmod(rest, size)
        if amount:
            parts.append(f"{amount} {symbol}")
    return " ".join(parts) or "0 s"


def spell_seconds(seconds):
    """Whole seconds in words of the active language, for sentences such as a
    range error's: 86,400 is "24 horas" ("24 hours"), 90 "1 minuto 30 segundos"."""
    if seconds < 0:
        raise ValueError(f"A duration cannot be negative: {seconds}")
    hours, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, 60)
    parts = [
        ngettext("%(amount)s hour", "%(amount)s hours", hours) % {"amount": grouped(hours)},
        ngettext("%(amount)s minute", "%(amount)s minutes", minutes) % {"amount": minutes},
        ngettext("%(amount)s second", "%(amount)s seconds", rest) % {"amount": rest},
    ]
    amounts = (hours, minutes, rest)
    return (
        " ".join(part for part, amount in zip(parts, amounts, strict=True) if amount) or parts[-1]
    )
