"""Small non-text graphics printed on plates: EU band, stars, seals, bolts, stickers."""
import math

import cv2

EU_BLUE, EU_YELLOW = (0, 51, 153), (255, 204, 0)


def star_ring(c, cx, cy, r, rgb, n=12, dot=None):
    """The EU circle of stars, drawn as small dots (they blur to dots in any photo)."""
    dot = dot or r * 0.16
    col = (rgb[2], rgb[1], rgb[0])
    for i in range(n):
        a = 2 * math.pi * i / n
        cv2.circle(c.img, (c.px(cx + r * math.cos(a)), c.px(cy + r * math.sin(a))),
                   max(1, c.px(dot)), col, -1, cv2.LINE_AA)


def eu_band(c, x0, x1, y0, y1, code, font):
    """Blue band with the star ring and the white country code (left of EU plates)."""
    c.rect(x0, y0, x1, y1, EU_BLUE)
    w = x1 - x0
    star_ring(c, (x0 + x1) / 2, y0 + (y1 - y0) * 0.3, w * 0.3, EU_YELLOW)
    cap = min(w * 0.55, (y1 - y0) * 0.28)
    c.text(code, (x0 + w * 0.08, y1 - cap - (y1 - y0) * 0.08, x1 - w * 0.08, y1 - (y1 - y0) * 0.08),
           font, (250, 250, 250), gap=0.08, weight=1)


def circle(c, cx, cy, r, rgb, thickness=-1):
    cv2.circle(c.img, (c.px(cx), c.px(cy)), c.px(r), (rgb[2], rgb[1], rgb[0]),
               thickness if thickness < 0 else max(1, c.px(thickness)), cv2.LINE_AA)


def bolts(c, xs, y, r, rgb=(150, 150, 150)):
    for x in xs:
        circle(c, x, y, r, rgb)
        circle(c, x - r * 0.3, y - r * 0.3, r * 0.4, (215, 215, 215))
