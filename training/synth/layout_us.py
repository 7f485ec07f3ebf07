"""US plates: 12 x 6 in (305 x 152 mm), state name on top, slogan below, many designs.

Every state has its own artwork, so the renderer varies what an OCR must learn to
ignore: background colour or gradient bands, ink colour, the state and slogan
lines in smaller type, bolt holes and registration stickers, highway-gothic fonts.
"""
import cv2
import numpy as np

from training.synth import emblems
from training.synth.canvas import Canvas
from training.synth.glyphs import DEJAVU_BOLD, DEJAVU_COND_BOLD, ROADGEEK
from training.synth.style import apply_display, emboss, jitter_rgb, text_style

STATES = ("ALABAMA", "ALASKA", "ARIZONA", "ARKANSAS", "CALIFORNIA", "COLORADO", "CONNECTICUT",
          "DELAWARE", "FLORIDA", "GEORGIA", "HAWAII", "IDAHO", "ILLINOIS", "INDIANA", "IOWA",
          "KANSAS", "KENTUCKY", "LOUISIANA", "MAINE", "MARYLAND", "MASSACHUSETTS", "MICHIGAN",
          "MINNESOTA", "MISSISSIPPI", "MISSOURI", "MONTANA", "NEBRASKA", "NEVADA",
          "NEW HAMPSHIRE", "NEW JERSEY", "NEW MEXICO", "NEW YORK", "NORTH CAROLINA",
          "NORTH DAKOTA", "OHIO", "OKLAHOMA", "OREGON", "PENNSYLVANIA", "RHODE ISLAND",
          "SOUTH CAROLINA", "SOUTH DAKOTA", "TENNESSEE", "TEXAS", "UTAH", "VERMONT", "VIRGINIA",
          "WASHINGTON", "WEST VIRGINIA", "WISCONSIN", "WYOMING")
SLOGANS = ("EMPIRE STATE", "SUNSHINE STATE", "LAND OF LINCOLN", "THE LONE STAR STATE",
           "FIRST IN FLIGHT", "LIVE FREE OR DIE", "GARDEN STATE", "GREEN MOUNTAIN STATE",
           "GRAND CANYON STATE", "VISITPA.COM", "BIRTHPLACE OF AVIATION", "ALOHA STATE",
           "FAMOUS POTATOES", "10,000 LAKES", "SHOW ME STATE", "DMV.CA.GOV", "PEACH STATE",
           "THE OCEAN STATE", "AMERICA'S DAIRYLAND", "WILD WONDERFUL", "BIG SKY COUNTRY",
           "COUNTY", "SPORTSMAN'S PARADISE", "")
BACKGROUNDS = ((245, 245, 242), (235, 240, 250), (250, 245, 215), (225, 235, 245), (240, 232, 210),
               (250, 250, 250), (215, 230, 215), (250, 225, 160), (200, 215, 235))
INKS = ((20, 40, 110), (15, 15, 20), (120, 20, 30), (15, 80, 40), (30, 30, 80), (60, 20, 90))
FONTS = (ROADGEEK["D"], ROADGEEK["C"], ROADGEEK["E"], ROADGEEK["D"], DEJAVU_COND_BOLD)


def _artwork(c, rng, paper):
    """Bands, gradients or a sky/horizon: the coloured backgrounds of many states."""
    kind = rng.integers(0, 4)
    if kind == 1:  # horizontal colour bands top and bottom
        col = jitter_rgb(rng, INKS[int(rng.integers(len(INKS)))], 30)
        c.rect(0, 0, 305, float(rng.uniform(8, 30)), col)
        c.rect(0, float(rng.uniform(125, 140)), 305, 152, col)
    elif kind == 2:  # vertical gradient, sky-like
        top = np.array(jitter_rgb(rng, (120, 170, 230), 40)[::-1], np.float32)
        t = np.linspace(0, 1, c.img.shape[0], dtype=np.float32)[:, None, None]
        c.img[:] = (top * (1 - t) + c.img.astype(np.float32) * t).astype(np.uint8)
    elif kind == 3:  # a soft hill or mountain silhouette behind the text
        col = jitter_rgb(rng, (150, 170, 140), 50)
        pts = [(0, c.px(152))]
        for x in np.linspace(0, 305, 7):
            pts.append((c.px(x), c.px(float(rng.uniform(70, 130)))))
        pts.append((c.px(305), c.px(152)))
        cv2.fillPoly(c.img, [np.array(pts, np.int32)], col[::-1], cv2.LINE_AA)


def render(fmt, parts, out_h, rng):
    text = "".join(parts)
    paper = jitter_rgb(rng, BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))], 10)
    ink = jitter_rgb(rng, INKS[int(rng.integers(len(INKS)))], 15)
    c = Canvas(305, 152, out_h, paper)
    _artwork(c, rng, paper)
    if rng.random() < 0.6:
        c.rounded_border(1.0, float(rng.uniform(1, 3)), 8, ink)
    # Registration sticker in a top corner; the state name keeps clear of it.
    head_x0, head_x1 = 20.0, 285.0
    if rng.random() < 0.6:
        x = 8.0 if rng.random() < 0.5 else 262.0
        c.rect(x, 5, x + 35, 24, jitter_rgb(rng, (200, 60, 60), 80))
        label = ("JAN", "APR", "JUL", "OCT", "DEC", "24", "25", "26")[int(rng.integers(8))]
        c.text(label, (x + 4, 9, x + 31, 20), DEJAVU_BOLD, (20, 20, 20), gap=0.08)
        head_x0, head_x1 = (48.0, 285.0) if x < 100 else (20.0, 257.0)
    state = STATES[int(rng.integers(len(STATES)))]
    head_font = (ROADGEEK["C"], ROADGEEK["D"], DEJAVU_BOLD)[int(rng.integers(3))]
    c.text(state, (head_x0, 8, head_x1, 8 + float(rng.uniform(14, 24))), head_font,
           jitter_rgb(rng, ink, 40), gap=0.12, space=0.4)
    slogan = SLOGANS[int(rng.integers(len(SLOGANS)))]
    if slogan:
        c.text(slogan, (40, 132, 265, 132 + float(rng.uniform(8, 12))), head_font, ink,
               gap=0.1, space=0.4)
    emblems.bolts(c, (75, 230), 18, 4)
    emblems.bolts(c, (75, 230), 138, 4)
    shown = apply_display(text, fmt.display) if rng.random() < 0.7 else text
    cap = float(rng.uniform(55, 72))
    top = 76 - cap / 2 + float(rng.uniform(-4, 4))
    style = text_style(rng, gap=(0.06, 0.16), squeeze=(0.85, 1.1))
    font = FONTS[int(rng.integers(len(FONTS)))]
    shade = emboss(rng, ink)
    split = max(shown.find(" "), shown.find("-"))
    if split > 0 and rng.random() < 0.35:
        # Many states print their emblem (a sun, a tree, the state outline) in the
        # gap between the two character groups; the OCR must read across it.
        left, right = shown[:split], shown[split + 1:]
        widths = [c.measure(t, cap, font, **style) for t in (left, right)]
        logo = cap * 0.6
        shrink = min(1.0, (277 - logo - 8) / sum(widths))
        x = 14 + (277 - logo - 8 - shrink * sum(widths)) / 2
        x = c.text(left, (x, top, x + widths[0] * shrink + 1, top + cap), font, ink,
                   align="left", shadow=shade, **style)[1]
        _emblem(c, x + 4, top + cap * 0.2, logo, rng)
        x += logo + 8
        c.text(right, (x, top, x + widths[1] * shrink + 1, top + cap), font, ink,
               align="left", shadow=shade, **style)
    else:
        c.text(shown, (14, top, 291, top + cap), font, ink, shadow=shade,
               space=float(rng.uniform(0.3, 0.6)), **style)
    return c, 1


def _emblem(c, x, y, size, rng):
    """A small state emblem: a sun disc, a tree or a star, in a random colour."""
    col = jitter_rgb(rng, ((200, 40, 40), (230, 170, 20), (30, 110, 50), (30, 60, 150))[
        int(rng.integers(4))], 30)
    kind = int(rng.integers(3))
    cx, cy, r = x + size / 2, y + size / 2, size / 2
    if kind == 0:
        emblems.circle(c, cx, cy, r * 0.7, col)
        for a in np.linspace(0, np.pi, 4, endpoint=False):
            dx, dy = np.cos(a) * r, np.sin(a) * r
            c.line(cx - dx, cy - dy, cx + dx, cy + dy, col, r * 0.15)
        return
    if kind == 1:
        pts = [(cx, y), (x + size, y + size * 0.85), (x, y + size * 0.85)]
        c.rect(cx - size * 0.06, y + size * 0.8, cx + size * 0.06, y + size, (90, 60, 30))
    else:
        a = np.linspace(-np.pi / 2, 1.5 * np.pi, 11)[:-1]
        rad = np.where(np.arange(10) % 2 == 0, r, r * 0.45)
        pts = list(zip(cx + rad * np.cos(a), cy + rad * np.sin(a)))
    poly = np.array([(c.px(px), c.px(py)) for px, py in pts], np.int32)
    cv2.fillPoly(c.img, [poly], col[::-1], cv2.LINE_AA)
