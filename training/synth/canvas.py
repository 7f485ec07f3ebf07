"""A plate canvas in millimetres, rendered at twice the output size.

Layouts describe a plate in its real dimensions (mm) and call these primitives;
the canvas maps mm to pixels, draws with anti-aliasing and finally downsamples 2x,
which gives the soft edges of a real photographed plate rather than aliased text.
"""
import cv2
import numpy as np

from training.synth.glyphs import fit_mask, line_mask

SUPERSAMPLE = 2


def bgr(rgb):
    return (int(rgb[2]), int(rgb[1]), int(rgb[0]))


class Canvas:
    def __init__(self, width_mm, height_mm, out_height_px, background):
        self.k = SUPERSAMPLE * out_height_px / height_mm  # pixels per mm
        self.w_mm, self.h_mm = width_mm, height_mm
        # Every text line drawn: (text, x0, x1, y0, y1) in mm. Lets the reader's training
        # tell whether a crop cut a character off (honest labels); draws nothing.
        self.spans = []
        self.img = np.full((self.px(height_mm), self.px(width_mm), 3), bgr(background), np.uint8)

    def px(self, mm):
        return max(1, int(round(mm * self.k)))

    def rect(self, x0, y0, x1, y1, rgb):
        cv2.rectangle(self.img, (self.px(x0), self.px(y0)), (self.px(x1) - 1, self.px(y1) - 1),
                      bgr(rgb), -1)

    def line(self, x0, y0, x1, y1, rgb, width_mm):
        cv2.line(self.img, (self.px(x0), self.px(y0)), (self.px(x1), self.px(y1)), bgr(rgb),
                 self.px(width_mm), cv2.LINE_AA)

    def rounded_border(self, inset_mm, width_mm, radius_mm, rgb):
        """An outline rounded rectangle inset from the plate edge (the painted border)."""
        t, r = max(1, self.px(width_mm)), self.px(radius_mm)
        x0, y0 = self.px(inset_mm) + t // 2, self.px(inset_mm) + t // 2
        x1, y1 = self.img.shape[1] - 1 - x0, self.img.shape[0] - 1 - y0
        col = bgr(rgb)
        for a, b in (((x0 + r, y0), (x1 - r, y0)), ((x0 + r, y1), (x1 - r, y1)),
                     ((x0, y0 + r), (x0, y1 - r)), ((x1, y0 + r), (x1, y1 - r))):
            cv2.line(self.img, a, b, col, t, cv2.LINE_AA)
        for cx, cy, ang in ((x0 + r, y0 + r, 180), (x1 - r, y0 + r, 270),
                            (x1 - r, y1 - r, 0), (x0 + r, y1 - r, 90)):
            cv2.ellipse(self.img, (cx, cy), (r, r), ang, 0, 90, col, t, cv2.LINE_AA)

    def round_corners(self, radius_mm, outside_rgb):
        """Paint the plate's cut corners with the surrounding colour (tight crop)."""
        r = self.px(radius_mm)
        h, w = self.img.shape[:2]
        mask = np.zeros((h, w), np.uint8)
        cv2.rectangle(mask, (r, 0), (w - 1 - r, h - 1), 255, -1)
        cv2.rectangle(mask, (0, r), (w - 1, h - 1 - r), 255, -1)
        for cx, cy in ((r, r), (w - 1 - r, r), (r, h - 1 - r), (w - 1 - r, h - 1 - r)):
            cv2.circle(mask, (cx, cy), r, 255, -1, cv2.LINE_AA)
        self.blend_mask(mask, 0, 0, outside_rgb, invert=True)

    def blend_mask(self, mask, x, y, rgb, alpha=1.0, invert=False):
        """Paint colour through a grey mask placed with its top-left at pixel (x, y)."""
        h, w = mask.shape
        H, W = self.img.shape[:2]
        x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
        if x1 <= x0 or y1 <= y0:
            return
        m = mask[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float32) * (alpha / 255.0)
        if invert:
            m = alpha - m
        region = self.img[y0:y1, x0:x1]
        colour = np.empty_like(region)
        colour[:] = bgr(rgb)
        # cv2.blendLinear is several times faster than the same numpy arithmetic.
        self.img[y0:y1, x0:x1] = cv2.blendLinear(region, colour, 1.0 - m, m)

    def measure(self, text, cap_mm, font, gap=0.12, space=0.45, weight=0, squeeze=1.0):
        """Width in mm that text() would give this line at cap height cap_mm."""
        mask = line_mask(text, font, gap=gap, space=space, weight=weight)
        return mask.shape[1] / mask.shape[0] * cap_mm * squeeze

    def text(self, text, box, font, rgb, gap=0.12, space=0.45, weight=0, squeeze=1.0,
             align="center", shadow=None):
        """Draw one line whose cap height fills box (x0, y0, x1, y1 in mm).

        shadow: (rgb, dx_mm, dy_mm) of the emboss shade under raised characters.
        Returns the drawn extent (x0, x1) in mm, for layouts that place things after it.
        """
        x0, y0, x1, y1 = box
        mask = line_mask(text, font, gap=gap, space=space, weight=weight)
        fitted, dx = fit_mask(mask, self.px(x1) - self.px(x0), self.px(y1) - self.px(y0),
                              squeeze=squeeze, align=align)
        px, py = self.px(x0) + dx, self.px(y0)
        if shadow is not None:
            srgb, sx, sy = shadow
            ox, oy = int(round(sx * self.k)), int(round(sy * self.k))  # may be negative
            self.blend_mask(fitted, px + ox, py + oy, srgb, alpha=0.55)
        self.blend_mask(fitted, px, py, rgb)
        self.spans.append((text, px / self.k, (px + fitted.shape[1]) / self.k, y0, y1))
        return (px / self.k, (px + fitted.shape[1]) / self.k)

    def result(self):
        """The plate at output size (2x downsample with area averaging), BGR uint8."""
        h, w = self.img.shape[:2]
        return cv2.resize(self.img, (max(1, w // SUPERSAMPLE), max(1, h // SUPERSAMPLE)),
                          interpolation=cv2.INTER_AREA)
