"""European plates: 520 x 110 mm, blue EU band with the country code on the left.

Per-country colours, spacing, separators and side bands (French region, Italian
province, German registration seals), plus square two-line plates (280 x 200 mm)
for a share of them, as seen on motorcycles and imports.
"""
from training.synth import emblems
from training.synth.canvas import Canvas
from training.synth.glyphs import DEJAVU_COND_BOLD, DIN
from training.synth.style import (apply_display, black_ink, emboss, jitter_rgb, text_style,
                                  two_line_height, white_paper)

CODES = {"de": "D", "fr": "F", "it": "I", "es": "E", "pl": "PL", "gb": "UK", "nl": "NL",
         "cz": "CZ", "be": "B", "se": "S", "pt": "P"}
YELLOW = (247, 205, 30)
TWO_LINE_SHARE = 0.12


def _fields(fmt, parts):
    """The plate's visible groups (without the EU band), e.g. ['B', 'AB', '1234']."""
    if fmt.id == "de":
        return [parts[0], parts[1], parts[2] + parts[3]]
    if fmt.display:
        return [g for g in apply_display("".join(parts), fmt.display).replace("-", " ").split(" ") if g]
    text = "".join(parts)
    groups, cur = [], text[0]
    for a, b in zip(text, text[1:]):
        if a.isdigit() != b.isdigit():
            groups.append(cur)
            cur = b
        else:
            cur += b
    return groups + [cur]


def _separator(fmt):
    return "-" if fmt.id in ("fr", "nl", "be", "pt") else " "


def _paper(fmt, rng):
    if fmt.id == "nl" or (fmt.id == "gb" and rng.random() < 0.5):
        return jitter_rgb(rng, YELLOW, 10)
    return white_paper(rng)


def render(fmt, parts, out_h, rng):
    font = DIN if (fmt.id in ("de", "cz", "pl", "nl") or rng.random() < 0.4) else DEJAVU_COND_BOLD
    fields = _fields(fmt, parts)
    if rng.random() < TWO_LINE_SHARE and len(fields) > 1:
        return _two_line(fmt, fields, out_h, rng, font), 2
    return _one_line(fmt, fields, out_h, rng, font), 1


def _one_line(fmt, fields, out_h, rng, font):
    paper, ink = _paper(fmt, rng), black_ink(rng)
    c = Canvas(520, 110, out_h, paper)
    style = text_style(rng)
    shade = emboss(rng, ink)
    c.rounded_border(float(rng.uniform(0.5, 2)), float(rng.uniform(1, 3)), 5, ink)
    band = float(rng.uniform(40, 48))
    emblems.eu_band(c, 3, 3 + band, 3, 107, CODES[fmt.id], DIN)
    right = 512.0
    if fmt.id in ("fr", "it") and rng.random() < 0.8:
        # Right band: French region logo and departement number, Italian year/province.
        right = 512 - band
        c.rect(right, 3, 517, 107, emblems.EU_BLUE)
        number = f"{int(rng.integers(1, 96)):02d}"
        c.text(number, (right + 6, 62, 511, 92), DIN, (250, 250, 250), weight=1)
        emblems.circle(c, right + (517 - right) / 2, 32, 13, (250, 250, 250), 2)
    cap = float(rng.uniform(68, 78))
    top = (110 - cap) / 2 + float(rng.uniform(-2, 2))
    x0 = 3 + band + 8
    if fmt.id == "de":
        # District, the two registration seals stacked, then letters and digits;
        # the whole group centred in the field like a real pressed plate.
        rest = fields[1] + " " + fields[2]
        seal_w = 30.0
        widths = [c.measure(t, cap, font, space=0.4, **style) for t in (fields[0], rest)]
        room = right - 6 - x0
        shrink = min(1.0, (room - seal_w - 8) / (widths[0] + widths[1]))
        x = x0 + max(0.0, (room - seal_w - 8 - shrink * sum(widths)) / 2)
        x = c.text(fields[0], (x, top, x + widths[0] * shrink + 1, top + cap), font, ink,
                   align="left", shadow=shade, **style)[1]
        emblems.circle(c, x + 4 + seal_w / 2, 36, 12, jitter_rgb(rng, (40, 90, 160), 30))
        emblems.circle(c, x + 4 + seal_w / 2, 72, 12, jitter_rgb(rng, (200, 180, 60), 40))
        x += seal_w + 8
        c.text(rest, (x, top, x + widths[1] * shrink + 1, top + cap), font, ink, align="left",
               shadow=shade, space=0.4, **style)
        return c
    sep = _separator(fmt)
    text = sep.join(fields) if sep == "-" else " ".join(fields)
    c.text(text, (x0, top, right - 8, top + cap), font, ink, shadow=shade,
           space=float(rng.uniform(0.3, 0.6)), **style)
    return c


def _two_line(fmt, fields, out_h, rng, font):
    paper, ink = _paper(fmt, rng), black_ink(rng)
    c = Canvas(280, 200, two_line_height(out_h), paper)
    style = text_style(rng)
    shade = emboss(rng, ink)
    c.rounded_border(1.5, float(rng.uniform(1, 2.5)), 6, ink)
    emblems.eu_band(c, 3, 40, 3, 197, CODES[fmt.id], DIN)
    top, bottom = fields[:1], fields[1:]
    if len(fields) > 2 and fmt.id != "de":
        top, bottom = fields[:-1], fields[-1:]
    c.text(" ".join(top), (50, 18, 270, 92), font, ink, shadow=shade, **style)
    c.text(" ".join(bottom), (50, 110, 270, 184), font, ink, shadow=shade, **style)
    return c
