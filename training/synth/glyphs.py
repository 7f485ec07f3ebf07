"""Cached glyph masks and line rendering into a box.

PIL draws each (font, character) once at a reference size; a plate line is then
composed with numpy and resized into its box. That keeps sample() in milliseconds
while still letting every plate pick its own size, tracking, squeeze and weight.
"""
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype"
DIN = f"{FONT_DIR}/opendin/OSP-DIN.ttf"
DEJAVU_COND_BOLD = f"{FONT_DIR}/dejavu/DejaVuSansCondensed-Bold.ttf"
DEJAVU_COND = f"{FONT_DIR}/dejavu/DejaVuSansCondensed.ttf"
DEJAVU_BOLD = f"{FONT_DIR}/dejavu/DejaVuSans-Bold.ttf"
DEJAVU_MONO_BOLD = f"{FONT_DIR}/dejavu/DejaVuSansMono-Bold.ttf"
ROADGEEK = {s: f"{FONT_DIR}/roadgeek/RG2014{s}.ttf" for s in ("B", "C", "D", "E", "EM", "F")}
_REF = 128  # reference font size in pixels


@lru_cache(maxsize=None)
def _font(path):
    return ImageFont.truetype(path, _REF)


@lru_cache(maxsize=4096)
def glyph(path, ch):
    """(mask, top) of one character: ink cropped horizontally; top = ink top minus baseline."""
    font = _font(path)
    size = (_REF * 2, _REF * 2)
    img = Image.new("L", size, 0)
    ImageDraw.Draw(img).text((_REF // 2, int(_REF * 1.5)), ch, font=font, fill=255, anchor="ls")
    arr = np.asarray(img)
    cols = np.flatnonzero(arr.max(axis=0))
    rows = np.flatnonzero(arr.max(axis=1))
    if len(cols) == 0:  # a space
        return np.zeros((1, int(_REF * 0.3)), np.uint8), 0
    crop = arr[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    return np.ascontiguousarray(crop), rows[0] - int(_REF * 1.5)


@lru_cache(maxsize=None)
def cap_height(path):
    return -glyph(path, "H")[1]


def line_mask(text, path, gap=0.12, space=0.45, weight=0):
    """Grey mask of one text line whose cap height spans the full mask height.

    gap: space between inked glyphs, as a fraction of cap height; space: width of a
    ' '; weight: >0 dilates (bolder), <0 erodes (lighter), in reference pixels.
    """
    cap = cap_height(path)
    pieces, x = [], 0
    for ch in text:
        if ch == " ":
            x += int(space * cap)
            continue
        mask, top = glyph(path, ch)
        pieces.append((mask, top, x))
        x += mask.shape[1] + int(gap * cap)
    width = max(1, x - int(gap * cap))
    bottom = max([0] + [top + m.shape[0] for m, top, _ in pieces])
    out = np.zeros((cap + bottom, width), np.uint8)
    for mask, top, x0 in pieces:
        y0 = cap + top
        y0c = max(0, y0)
        sub = mask[y0c - y0:]
        h = min(sub.shape[0], out.shape[0] - y0c)
        w = min(sub.shape[1], width - x0)
        region = out[y0c:y0c + h, x0:x0 + w]
        np.maximum(region, sub[:h, :w], out=region)
    out = out[:cap] if bottom <= cap // 20 else out  # keep descenders only if present
    if weight:
        k = np.ones((abs(weight) * 2 + 1,) * 2, np.uint8)
        out = cv2.dilate(out, k) if weight > 0 else cv2.erode(out, k)
    return out


def fit_mask(mask, box_w, box_h, squeeze=1.0, align="center"):
    """Resize a line mask to cap height box_h (squeezed horizontally), inside box_w.

    Returns (mask, x_offset) with the mask no wider than box_w.
    """
    h, w = mask.shape
    scale = box_h / h
    new_w = w * scale * squeeze
    if new_w > box_w:
        new_w = box_w
    new_w, box_h = max(1, int(round(new_w))), max(1, int(round(box_h)))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    out = cv2.resize(mask, (new_w, box_h), interpolation=interp)
    if align == "left":
        x = 0
    elif align == "right":
        x = box_w - new_w
    else:
        x = (box_w - new_w) // 2
    return out, int(x)
