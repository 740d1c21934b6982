"""Inline SVG charts for the HTML reports: no scripts, no external files; every label is escaped."""

from __future__ import annotations

from markupsafe import Markup, escape

FONT = "font-family=\"'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif\""
COLORS = {"error": "#c0392b", "warning": "#d68910", "info": "#2e86c1", "bar": "#2e86c1"}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    items: list[tuple[str, float]],
    title: str,
    unit: str = "",
    colors: list[str] | None = None,
    max_value: float | None = None,
    label_chars: int = 14,
) -> Markup:
    """Horizontal bars, one per (label, value), largest scale first as given."""
    if not items:
        return Markup(f'<p class="empty">{escape(title)}：无数据</p>')
    row_h, label_w, bar_w, pad = 22, 9 + 13 * label_chars, 220, 8
    width = label_w + bar_w + 70
    height = pad * 2 + 24 + row_h * len(items)
    top = max_value or max(v for _, v in items) or 1
    parts = [
        f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" {FONT} font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="{pad}" y="{pad + 12}" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(items):
        y = pad + 24 + i * row_h
        w = max(1.0, bar_w * value / top) if value else 0
        color = (colors[i] if colors else None) or COLORS["bar"]
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end"><title>{escape(label)}</title>'
            f"{escape(_clip(label, label_chars))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{color}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}">{value:g}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(items: list[tuple[str, float]], title: str, colors: list[str] | None = None) -> Markup:
    """Vertical columns (a histogram): one per (label, count)."""
    if not items:
        return Markup(f'<p class="empty">{escape(title)}：无数据</p>')
    col_w, gap, plot_h, pad = 56, 14, 150, 10
    width = pad * 2 + len(items) * (col_w + gap)
    height = plot_h + 70
    top = max(v for _, v in items) or 1
    parts = [
        f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" {FONT} font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="{pad}" y="{pad + 12}" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    base = pad + 30 + plot_h
    for i, (label, value) in enumerate(items):
        x = pad + i * (col_w + gap)
        h = plot_h * value / top
        color = (colors[i] if colors else None) or COLORS["bar"]
        parts.append(
            f'<rect x="{x}" y="{base - h:.1f}" width="{col_w}" height="{h:.1f}" fill="{color}"/>'
            f'<text x="{x + col_w / 2}" y="{base - h - 4:.1f}" text-anchor="middle">{value:g}</text>'
            f'<text x="{x + col_w / 2}" y="{base + 16}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append(f'<line x1="{pad}" y1="{base}" x2="{width - pad}" y2="{base}" stroke="#888"/></svg>')
    return Markup("".join(parts))
