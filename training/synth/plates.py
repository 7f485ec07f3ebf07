"""PlateSampler: random, faithful synthetic number plates for OCR and scene synthesis.

    s = PlateSampler(seed=0)
    p = s.sample(country=None, format_id=None)
    p.image (BGR uint8, tight crop incl. border), p.text, p.country, p.format_id, p.lines
"""
from dataclasses import dataclass

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
        return Plate(image, text, fmt.country, fmt.id, lines)
