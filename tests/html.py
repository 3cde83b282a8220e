"""Reading rendered pages the way a user does: by the text they show."""

import re


def shows(html, text):
    """True when ``text`` is an element's whole text, whatever whitespace surrounds it."""
    return re.search(rf">\s*{re.escape(text)}\s*<", html) is not None
