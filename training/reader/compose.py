"""Synthetic plates composed from REAL single-character crops (plates/chars/br, gb).

Gives real glyph shapes (binarised openalpr character crops) for arbitrary text,
so letters that are rare in the real plates (and Uzbek layouts) are covered before
or alongside the font renderer. Label = first character of the file name.
"""
import json
import re
from pathlib import Path

import cv2
import numpy as np

from training.common.splits import data_dir

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
_FORMATS = Path(__file__).resolve().parents[2] / "plate-formats"


def load_glyphs():
    """{set: {char: [grey crops]}} for 'br' and 'gb'."""
    out = {}
    for sub in ("br", "gb"):
        d = {}
        for p in sorted((data_dir() / "plates" / "chars" / sub).iterdir()):
            c = p.name[0].upper()
            if c not in LETTERS + DIGITS:
                continue
            g = cv2.imread(str(p), cv2.IMREAD_GRAYSCALE)
            if g is not None and g.shape[0] >= 8:
                d.setdefault(c, []).append(g)
        out[sub] = d
    return out


def load_templates():
    """[(country, template, regex, lines, weight)] from plate-formats/*.json.

    Uzbek formats get most of the weight (the product's market); variable-length
    formats (template null) are drawn as random alphanumerics of allowed length.
    """
    share = {"uz": 0.6, "eu": 0.15, "us": 0.15, "br": 0.1}
    out = []
    for cc, w in share.items():
        f = _FORMATS / f"{cc}.json"
        if not f.exists():
            continue
        spec = json.loads(f.read_text())
        fmts = spec["formats"]
        tot = sum(x.get("prior", 0.1) for x in fmts)
        for x in fmts:
            # Flatten priors a bit so rare formats (moto, vanity, diplomatic) still appear.
            p = (x.get("prior", 0.1) / tot) ** 0.5
            out.append((cc, x.get("template"), x["regex"], x.get("lines", 1), w * p,
                        x.get("min_len", 2), x.get("max_len", 8)))
    s = sum(t[4] for t in out)
    return [t[:4] + (t[4] / s,) + t[5:] for t in out]


def sample_text(tpl, rng, tries=50):
    """Random text for a template, re-drawn until it fits the format regex."""
    cc, template, regex, lines, _w, lo, hi = tpl
    rx = re.compile(regex)
    for _ in range(tries):
        if template:
            t = "".join(rng.choice(list(DIGITS)) if k == "D" else
                        rng.choice(list(LETTERS)) if k == "L" else
                        rng.choice(list(DIGITS + LETTERS)) if k == "A" else k
                        for k in template)
        else:
            n = int(rng.integers(max(1, lo), min(8, hi) + 1))
            t = "".join(rng.choice(list(DIGITS + LETTERS)) for _ in range(n))
        if rx.match(t):
            return t
    return t


def _line(text, glyphs, rng, h):
    parts = []
    gap = int(rng.integers(1, max(2, h // 6)))
    for i, c in enumerate(text):
        g = glyphs[c][rng.integers(len(glyphs[c]))]
        w = max(3, int(round(g.shape[1] * h / g.shape[0] * rng.uniform(0.9, 1.1))))
        parts.append(cv2.resize(g, (w, h), interpolation=cv2.INTER_AREA))
        sp = gap + (int(rng.integers(h // 4, h // 2)) if rng.random() < 0.15 and i < len(text) - 1 else 0)
        parts.append(np.full((h, sp), 255, np.uint8))
    return np.hstack(parts[:-1])


def compose(text, lines, glyphs, rng):
    """Grey-level plate image (BGR uint8) of `text`, one or two lines."""
    gset = glyphs["gb" if rng.random() < 0.6 else "br"]
    if any(c not in gset for c in text):
        gset = glyphs["gb"] if all(c in glyphs["gb"] for c in text) else glyphs["br"]
    h = 40
    if lines == 2:
        k = 2 if len(text) <= 7 else 3  # Uzbek moto: region on top, rest below
        rows = [_line(text[:k], gset, rng, h), _line(text[k:], gset, rng, h)]
        w = max(r.shape[1] for r in rows) + 32
        canvas = np.full((2 * h + 24, w), 255, np.uint8)
        for i, r in enumerate(rows):
            x0 = (w - r.shape[1]) // 2
            canvas[8 + i * (h + 8):8 + i * (h + 8) + h, x0:x0 + r.shape[1]] = r
    else:
        r = _line(text, gset, rng, h)
        mx, my = int(rng.integers(10, 24)), int(rng.integers(6, 14))
        canvas = np.full((h + 2 * my, r.shape[1] + 2 * mx), 255, np.uint8)
        canvas[my:my + h, mx:mx + r.shape[1]] = r
        if rng.random() < 0.3:  # a flag/country band on the left like EU/UZ plates
            band = np.full((canvas.shape[0], int(h * 0.4)), int(rng.integers(40, 160)), np.uint8)
            canvas = np.hstack([band, canvas])
    if rng.random() < 0.6:
        cv2.rectangle(canvas, (1, 1), (canvas.shape[1] - 2, canvas.shape[0] - 2), 0, 2)
    # Ink/background levels: dark on light mostly, sometimes light on dark.
    ink, bg = rng.uniform(0, 90), rng.uniform(150, 255)
    if rng.random() < 0.15:
        ink, bg = bg, ink
    f = ink + (canvas.astype(np.float32) / 255.0) * (bg - ink)
    img = np.clip(f, 0, 255).astype(np.uint8)
    return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
