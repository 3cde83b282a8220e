"""Reading rendered pages the way a user does: by the text they show."""

import re
from html.parser import HTMLParser


def shows(html, text):
    """True when ``text`` is an element's whole text, whatever whitespace surrounds it."""
    return re.search(rf">\s*{re.escape(text)}\s*<", html) is not None


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "disabled" in attrs:
            return
        if tag == "input" and attrs.get("type") not in {"submit", "button", "reset"}:
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_values(html):
    """What a browser would post back from the main form of the page, untouched."""
    start = html.index("<form", html.index("<main"))
    reader = _FormReader()
    reader.feed(html[start : html.index("</form>", start)])
    return reader.values
