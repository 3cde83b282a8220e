"""Using a page the way a keyboard user does."""

#: What shows the focus on the focused element: an outline or a focus ring.
FOCUS_INDICATOR = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    return {
        element: element.outerHTML.slice(0, 120),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
        ring: style.boxShadow !== "none",
    };
}"""


def tab_to(page, target, limit=40):
    """Press Tab until ``target`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} cannot be reached with Tab")


def focus_is_shown(page):
    """True when the focused element has an outline or a focus ring."""
    indicator = page.evaluate(FOCUS_INDICATOR)
    return indicator is not None and (indicator["outline"] or indicator["ring"])


def tab_stops(page, limit=80):
    """Tab from the top of the page to its end: each stop's focus indicator."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        indicator = page.evaluate(FOCUS_INDICATOR)
        if indicator is None:
            return stops
        stops.append(indicator)
    raise AssertionError("Tab never leaves the page")
