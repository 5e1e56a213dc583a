"""Measure text contrast in the page, the way WCAG 2 defines it, for theme checks.

For every visible text node under an element: its computed colour (alpha and the
opacity of its ancestors included) over the first opaque background behind it
(translucent backgrounds on the way are composited). Screenshots show what a theme
looks like; this says which text is hard to read, and why (colour, background).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator

#: WCAG 2 AA for normal-size text.
AA_TEXT = 4.5

_MEASURE = """
(root) => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(',').map(parseFloat);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, a, under) => ({
    r: top.r * a + under.r * (1 - a),
    g: top.g * a + under.g * (1 - a),
    b: top.b * a + under.b * (1 - a),
  });
  const luminance = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    const layers = [];
    let base = {r: 255, g: 255, b: 255};
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a >= 1) { base = c; break; }
      if (c && c.a > 0) layers.push(c);
    }
    return layers.reverse().reduce((under, c) => over(c, c.a, under), base);
  };
  const results = [];
  const seen = new Set();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent.trim();
    if (!text || !el || seen.has(el)) continue;
    seen.add(el);
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity);
    const bg = background(el);
    const fg = parse(style.color);
    const shown = over(fg, fg.a * opacity, bg);
    const [hi, lo] = [luminance(shown), luminance(bg)].sort((x, y) => y - x);
    results.push({
      text: text.slice(0, 60),
      ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
      color: style.color,
      background: `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})`,
      disabled: !!el.closest(':disabled'),
      tab_title: !!el.closest('.lm-TabBar-tab'),
    });
  }
  return results;
}
"""


@dataclass(frozen=True)
class TextContrast:
    """One piece of text and how well it stands out from what is behind it."""

    text: str
    ratio: float
    color: str
    background: str
    #: Inside a disabled control (WCAG does not ask contrast of those).
    disabled: bool
    #: A tab title, drawn by ipywidgets' own styles rather than ours.
    tab_title: bool

    def __str__(self) -> str:
        return f"{self.text!r}: {self.ratio}:1 ({self.color} on {self.background})"


def text_contrasts(scope: Locator) -> list[TextContrast]:
    """Every visible text under `scope`, lowest contrast first."""
    found = [TextContrast(**item) for item in scope.evaluate(_MEASURE)]
    return sorted(found, key=lambda t: t.ratio)


def hard_to_read(scope: Locator, minimum: float = AA_TEXT) -> list[TextContrast]:
    """Text under `scope` below `minimum`:1, leaving out disabled controls and tab titles."""
    return [
        t for t in text_contrasts(scope) if t.ratio < minimum and not t.disabled and not t.tab_title
    ]
