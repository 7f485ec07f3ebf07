"""PlateSampler: random, faithful synthetic number plates for OCR and scene synthesis.

    s = PlateSampler(seed=0)
    p = s.sample(country=None, format_id=None)
    p.image (BGR uint8, tight crop incl. border), p.text, p.country, p.format_id, p.lines
"""
import re
from dataclasses import dataclass, field

import numpy as np

from training.synth import layout_br, layout_eu, layout_uz, layout_us
from training.synth.formats import COUNTRIES, choose_format, find_format, sample_parts
from training.synth.wear import wear

# Share of each country when none is asked for: Uzbekistan first (the product's
# market), the others for the variety an OCR needs to generalise.
COUNTRY_MIX = {"uz": 0.40, "eu": 0.25, "us": 0.15, "br": 0.20}
_LAYOUTS = {"uz": layout_uz, "eu": layout_eu, "us": layout_us, "br": layout_br}


@dataclass
class Plate:
    image: np.ndarray
    text: str
    country: str
    format_id: str
    lines: int
    # The plate text's lines on the image, as fractions of its width/height:
    # [(line_text, x0, x1, y0, y1)] in the order they spell the text (text_spans()).
    spans: list = field(default_factory=list)


class PlateSampler:
    def __init__(self, seed=0):
        self.rng = np.random.default_rng(seed)

    def sample(self, country=None, format_id=None):
        rng = self.rng
        if format_id is not None:
            fmt = find_format(format_id)
            if country is not None and country != fmt.country:
                raise ValueError(f"format {format_id!r} is not a {country!r} format")
        else:
            if country is None:
                country = COUNTRIES[int(rng.choice(len(COUNTRIES),
                                                   p=[COUNTRY_MIX[c] for c in COUNTRIES]))]
            fmt = choose_format(country, rng)
        parts = sample_parts(fmt, rng)
        text = "".join(parts)
        # One-line plate height in the output; two-line layouts scale it up (<= 160).
        out_h = int(rng.integers(60, 121))
        canvas, lines = _LAYOUTS[fmt.country].render(fmt, parts, out_h, rng)
        image = wear(canvas.result(), rng)
        return Plate(image, text, fmt.country, fmt.id, lines, text_spans(canvas, text))


def text_spans(canvas, text):
    """The canvas text lines that spell `text` (emblem letters such as the
    flag's "UZ" skipped), normalised to [0, 1]; [] when they cannot be matched."""
    # Separators drawn between characters (spaces, EU dashes) are not part of the text.
    spans = [(re.sub(r"[^0-9A-Z]", "", t.upper()), t, x0, x1, y0, y1)
             for t, x0, x1, y0, y1 in canvas.spans]

    def search(used, rest):
        # Any drawing order: a temporary plate draws its right-hand region code first.
        if not rest:
            return []
        for j, span in enumerate(spans):
            if j not in used and span[0] and rest.startswith(span[0]):
                tail = search(used | {j}, rest[len(span[0]):])
                if tail is not None:
                    return [j] + tail
        return None

    picked = search(frozenset(), text) or []
    return [(spans[j][1], spans[j][2] / canvas.w_mm, spans[j][3] / canvas.w_mm,
             spans[j][4] / canvas.h_mm, spans[j][5] / canvas.h_mm) for j in picked]
