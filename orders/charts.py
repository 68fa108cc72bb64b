"""The seller overview's charts of revenue and of orders per day, drawn on the server as SVG (pygal).

Each chart is an ``<img>`` of a ``data:`` SVG: it reads without JavaScript and loads nothing from elsewhere
(pygal's tooltip script, a CDN by default, is switched off and its inline config script removed), and the
SVG's own stylesheet applies inside the image, where the page's Content Security Policy, which refuses
inline styles in the page, does not reach.
"""

from __future__ import annotations

import base64
import math
import re

from django.utils.html import format_html
from django.utils.safestring import SafeString
import pygal
from pygal.style import Style

from orders.stats import DayFigures

# The storefront's tokens (static/css/store.css): text, borders, brand teal for revenue, slate for orders.
_STYLE = {
    "background": "transparent",
    "plot_background": "transparent",
    "foreground": "#1f2937",
    "foreground_strong": "#1f2937",
    "foreground_subtle": "#e2e8f0",
    "font_family": 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
    "label_font_size": 13,
    "major_label_font_size": 13,
    "value_font_size": 12,
    "opacity": ".9",
    "opacity_hover": "1",
}
REVENUE_COLOUR = "#0f766e"
ORDERS_COLOUR = "#475569"
# pygal keeps a config for its (unused) tooltip script in an inline <script>: the page needs none.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_MAX_X_LABELS = 8


def _bar_chart(
    *, title: str, colour: str, values: list, labels: list[str], formatter, y_labels: list[int] | None = None
) -> SafeString:
    """One bar chart, one bar per day, as an ``<img>`` whose source is the SVG."""
    chart = pygal.Bar(
        style=Style(colors=(colour,), **_STYLE),
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        width=900,
        height=260,
        show_legend=False,
        show_minor_x_labels=False,
        x_labels_major_count=min(len(labels), _MAX_X_LABELS),
        truncate_label=-1,
        include_x_axis=True,
        margin=12,
        spacing=8,
        y_labels=y_labels,
        max_scale=6,
    )
    chart.x_labels = labels
    chart.value_formatter = formatter
    chart.add(title, values)
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    # The figure around it names the chart; the same figures are in the table below it.
    return format_html('<img src="{}" alt="" width="900" height="260">', source)


def revenue_chart(*, series: list[DayFigures], currency_symbol: str) -> SafeString:
    """An image of revenue per day of ``series``, the axis in money."""
    return _bar_chart(
        title="Revenue",
        colour=REVENUE_COLOUR,
        values=[day.revenue for day in series],
        labels=[day.date.strftime("%b %-d") for day in series],
        formatter=lambda value: f"{currency_symbol}{value:,.2f}",
    )


def orders_chart(*, series: list[DayFigures]) -> SafeString:
    """An image of orders per day of ``series``, the axis in whole orders."""
    most = max((day.orders for day in series), default=0)
    step = max(1, math.ceil(most / 5))
    return _bar_chart(
        title="Orders",
        colour=ORDERS_COLOUR,
        values=[day.orders for day in series],
        labels=[day.date.strftime("%b %-d") for day in series],
        formatter=lambda value: f"{value:,.0f}",
        y_labels=list(range(0, max(most, 1) + step, step)),
    )
