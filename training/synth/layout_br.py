"""Brazilian plates, 400 x 130 mm: the grey pre-2018 plate and the Mercosul plate.

Old: grey (red for commercial use) with "UF - CITY" on a top strip and ABC-1234.
Mercosul: white, a blue top band reading BRASIL with the Mercosul emblem and the flag,
the FE-Schrift series ABC1D23 (OSP-DIN stand-in).
"""
import cv2
import numpy as np

from training.synth import emblems
from training.synth.canvas import Canvas
from training.synth.glyphs import DEJAVU_COND_BOLD, DIN
from training.synth.style import apply_display, black_ink, emboss, jitter_rgb, text_style, white_paper

CITIES = ("SP - SAO PAULO", "RJ - RIO DE JANEIRO", "MG - BELO HORIZONTE", "PR - CURITIBA",
          "RS - PORTO ALEGRE", "SC - FLORIANOPOLIS", "BA - SALVADOR", "PE - RECIFE",
          "SP - CAMPINAS", "GO - GOIANIA", "DF - BRASILIA", "CE - FORTALEZA", "SP - SANTOS",
          "MG - UBERLANDIA", "PR - LONDRINA", "ES - VITORIA")


def _old(fmt, text, out_h, rng):
    # Red plates (commercial use, taxis) are over half of the real crops-br sample.
    commercial = rng.random() < 0.35
    paper = jitter_rgb(rng, (170, 30, 35) if commercial else (196, 198, 196), 14)
    ink = jitter_rgb(rng, (240, 240, 240), 8) if commercial else black_ink(rng)
    c = Canvas(400, 130, out_h, paper)
    c.rounded_border(1.0, float(rng.uniform(2, 4)), 4, ink)
    c.line(6, 26, 394, 26, ink, 1.2)
    c.text(CITIES[int(rng.integers(len(CITIES)))], (60, 8, 340, 21), DEJAVU_COND_BOLD, ink,
           gap=0.12, space=0.5)
    cap = float(rng.uniform(74, 86))
    top = 30 + (96 - cap) / 2
    font = DEJAVU_COND_BOLD if rng.random() < 0.6 else DIN
    c.text(apply_display(text, fmt.display), (12, top, 388, top + cap), font, ink,
           shadow=emboss(rng, ink), **text_style(rng, gap=(0.06, 0.14), squeeze=(0.8, 1.0)))
    return c


def _flag_br(c, x0, y0, w, h):
    c.rect(x0, y0, x0 + w, y0 + h, (0, 150, 60))
    pts = np.array([(c.px(x0 + w * 0.1), c.px(y0 + h / 2)), (c.px(x0 + w / 2), c.px(y0 + h * 0.1)),
                    (c.px(x0 + w * 0.9), c.px(y0 + h / 2)), (c.px(x0 + w / 2), c.px(y0 + h * 0.9))],
                   np.int32)
    cv2.fillPoly(c.img, [pts], (0, 220, 250), cv2.LINE_AA)
    emblems.circle(c, x0 + w / 2, y0 + h / 2, h * 0.22, (40, 40, 160)[::-1])


def _mercosul(fmt, text, out_h, rng):
    paper, ink = white_paper(rng), black_ink(rng)
    c = Canvas(400, 130, out_h, paper)
    band = float(rng.uniform(26, 32))
    c.rect(0, 0, 400, band, emblems.EU_BLUE)
    c.text("BRASIL", (140, band * 0.22, 260, band * 0.78), DIN, (250, 250, 250), gap=0.15, weight=1)
    emblems.star_ring(c, 22, band / 2, band * 0.3, (250, 250, 250), n=4)
    _flag_br(c, 360, band * 0.2, 30, band * 0.6)
    c.rounded_border(0.5, float(rng.uniform(1.5, 3)), 4, ink)
    cap = float(rng.uniform(70, 82))
    top = band + (130 - band - cap) / 2
    c.text(text, (14, top, 386, top + cap), DIN, ink, shadow=emboss(rng, ink),
           **text_style(rng, gap=(0.08, 0.16), squeeze=(0.9, 1.08)))
    return c


def render(fmt, parts, out_h, rng):
    text = "".join(parts)
    if fmt.id == "br-mercosul":
        return _mercosul(fmt, text, out_h, rng), 1
    return _old(fmt, text, out_h, rng), 1
