"""Uzbek plates (2008 system), after the notes in shared/data/uzbekistan/plate-formats.md.

One-line plates are 520 x 110 mm: a thin black border, the region code in a left
field closed by a vertical bar, the series in FE-Schrift (OSP-DIN stand-in), and at
the right edge the national flag over "UZ". Motorcycle plates are two-line with the
flag and UZ bottom-right. Colours: white (private, legal, DAV, trailer, temporary,
vanity), green with white characters (diplomatic, foreign companies), yellow
(foreign residents). Temporary plates carry the region on the right and no flag.
"""
import cv2

from training.synth.canvas import Canvas
from training.synth.glyphs import DIN
from training.synth.style import (apply_display, black_ink, emboss, jitter_rgb, text_style,
                                  two_line_height, white_paper)

FLAG_BLUE, FLAG_GREEN, FLAG_RED = (0, 153, 181), (30, 181, 58), (206, 17, 38)
UZ_LETTERS = (0, 140, 200)  # the light-blue "UZ"
GREEN_PLATE, YELLOW_PLATE = (0, 122, 74), (246, 200, 20)


def draw_flag(c, x0, y0, w, h, rng):
    """Uzbek flag: blue / white / green bands split by thin red stripes; crescent and stars."""
    band, red = h / 3.0, h / 30.0
    c.rect(x0, y0, x0 + w, y0 + band, FLAG_BLUE)
    c.rect(x0, y0 + band, x0 + w, y0 + 2 * band, (250, 250, 250))
    c.rect(x0, y0 + 2 * band, x0 + w, y0 + h, FLAG_GREEN)
    c.rect(x0, y0 + band - red, x0 + w, y0 + band + red * 0.2, FLAG_RED)
    c.rect(x0, y0 + 2 * band - red * 0.2, x0 + w, y0 + 2 * band + red, FLAG_RED)
    if h * c.k > 14:  # the emblem is only visible on large renders
        r = band * 0.32
        cx, cy = x0 + band * 0.5, y0 + band * 0.5
        cv2.circle(c.img, (c.px(cx), c.px(cy)), c.px(r), (250, 250, 250), -1, cv2.LINE_AA)
        cv2.circle(c.img, (c.px(cx + r * 0.35), c.px(cy)), c.px(r * 0.85),
                   FLAG_BLUE[::-1], -1, cv2.LINE_AA)
        for i in range(3):
            for j in range(3 - (i == 0)):
                sx = x0 + band * (1.0 + 0.3 * j + 0.3 * (i == 0))
                sy = y0 + band * (0.25 + 0.25 * i)
                cv2.circle(c.img, (c.px(sx), c.px(sy)), max(1, c.px(band * 0.06)),
                           (250, 250, 250), -1, cv2.LINE_AA)


def _flag_uz(c, x0, x1, y0, y1, rng, letters_rgb=UZ_LETTERS):
    """Flag over UZ, centred in the field x0..x1, y0..y1 (mm)."""
    w = x1 - x0
    fh = w * 0.52
    draw_flag(c, x0, y0, w, fh, rng)
    c.line(x0, y0, x1, y0, (120, 120, 120), 0.3)
    c.text("UZ", (x0, y0 + fh + (y1 - y0) * 0.1, x1, y1), DIN, letters_rgb, gap=0.1,
           weight=1)


def _colours(fmt_id, rng):
    if fmt_id in ("uz-diplomatic", "uz-diplomatic-cmd", "uz-foreign-company"):
        return jitter_rgb(rng, GREEN_PLATE, 10), jitter_rgb(rng, (245, 245, 245), 8)
    if fmt_id == "uz-foreign-resident":
        return jitter_rgb(rng, YELLOW_PLATE, 12), black_ink(rng)
    return white_paper(rng), black_ink(rng)


def _region_prefix(fmt):
    return fmt.regex.startswith("^(0[1-9]|[1-9][0-9])")


def render_one_line(fmt, text, out_h, rng):
    paper, ink = _colours(fmt.id, rng)
    c = Canvas(520, 110, out_h, paper)
    style = text_style(rng, gap=(0.1, 0.2), squeeze=(0.9, 1.05))
    shade = emboss(rng, ink)
    border = float(rng.uniform(1.5, 3.0))
    c.rounded_border(float(rng.uniform(1.0, 2.5)), border, 6, ink)
    cap = float(rng.uniform(66, 76))
    top = (110 - cap) / 2 + float(rng.uniform(-2, 2))
    shown = apply_display(text, fmt.display)
    left, right = 9.0, 511.0
    if _region_prefix(fmt):
        # Region code in its own field, closed by a vertical bar.
        bar = float(rng.uniform(84, 90))
        rcap = cap * float(rng.uniform(0.82, 0.95))
        rtop = (110 - rcap) / 2
        c.text(text[:2], (8, rtop, bar - 5, rtop + rcap), DIN, ink, shadow=shade, **style)
        c.line(bar, 5, bar, 105, ink, border)
        left, shown = bar + float(rng.uniform(8, 14)), shown[2:].strip()
    if fmt.id == "uz-temporary":
        # Region on the right behind a bar; no flag on temporary plates.
        bar = 428.0
        c.line(bar, 5, bar, 105, ink, border)
        c.text(text[-2:], (bar + 8, top + 4, 505, top + cap - 4), DIN, ink, shadow=shade, **style)
        c.text(shown[:-2].strip(), (left, top, bar - 8, top + cap), DIN, ink, shadow=shade,
               space=0.35, **style)
        return c
    flag_w = float(rng.uniform(40, 48))
    right = 505 - flag_w
    fy0 = float(rng.uniform(16, 24))
    _flag_uz(c, right + 3, right + 3 + flag_w, fy0, fy0 + flag_w * 0.52 + 34, rng,
             letters_rgb=UZ_LETTERS if paper[0] > 200 and paper[2] > 150 else ink)
    c.text(shown, (left, top, right - 6, top + cap), DIN, ink, shadow=shade,
           space=float(rng.uniform(0.3, 0.5)), **style)
    return c


def render_moto(fmt, text, out_h, rng):
    """Two-line motorcycle plate: region and 3 digits above, 2 letters and flag/UZ below."""
    paper, ink = _colours(fmt.id, rng)
    c = Canvas(190, 145, out_h, paper)
    style = text_style(rng, gap=(0.1, 0.18), squeeze=(0.9, 1.05))
    shade = emboss(rng, ink)
    border = float(rng.uniform(1.2, 2.2))
    c.rounded_border(1.5, border, 5, ink)
    c.text(text[:2], (10, 12, 52, 50), DIN, ink, shadow=shade, **style)
    c.line(58, 8, 58, 66, ink, border)
    c.text(text[2:5], (64, 8, 182, 68), DIN, ink, shadow=shade, **style)
    c.line(6, 72, 184, 72, ink, border * 0.8)
    c.text(text[5:], (14, 78, 130, 138), DIN, ink, shadow=shade, **style)
    _flag_uz(c, 140, 180, 82, 136, rng)
    return c


def render(fmt, parts, out_h, rng):
    text = "".join(parts)
    if fmt.lines == 2:
        return render_moto(fmt, text, two_line_height(out_h), rng), 2
    return render_one_line(fmt, text, out_h, rng), 1
