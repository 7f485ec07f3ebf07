"""Camera-like degradation of a plate crop (BGR uint8), used on real crops.

Covers what the engine will see: a detector box off by up to ±8 % per side plus
perspective, low resolution (far plates), blur, noise, glare, night, JPEG. The
output is still a crop of any size; prepare() does the contract's resize.
"""
import cv2
import numpy as np


def jitter_warp(img, rng, box=0.08, persp=0.02):
    """Random crop-box jitter (up to box of w/h per side) plus corner perspective.

    Sides move outward up to `box` but inward only up to 0.6*box: plate crops here
    are tight, and a deeper cut would remove characters the label still names.
    """
    h, w = img.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    # Shift each side independently (detector box error), then each corner a little.
    dl, dr = rng.uniform(-0.6 * box, box, 2) * w
    dt, db = rng.uniform(-0.6 * box, box, 2) * h
    # Positive d* = that side moves outward (a looser box).
    side = np.float32([[-dl, -dt], [dr, -dt], [dr, db], [-dl, db]])
    corner = rng.uniform(-persp, persp, (4, 2)) * np.float32([w, h])
    quad = src + side + corner.astype(np.float32)
    # A small rotation about the centre.
    ang = np.deg2rad(rng.normal(0, 2.0))
    c, s = np.cos(ang), np.sin(ang)
    ctr = np.float32([w / 2, h / 2])
    quad = (quad - ctr) @ np.float32([[c, -s], [s, c]]).T + ctr
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), src)
    border = cv2.BORDER_REPLICATE if rng.random() < 0.5 else cv2.BORDER_REFLECT
    return cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=border)


def _glare(img, rng):
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    sx, sy = rng.uniform(0.1, 0.5) * w, rng.uniform(0.2, 0.8) * h
    g = np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2)) * rng.uniform(60, 200)
    return np.clip(img.astype(np.float32) + g[..., None], 0, 255).astype(np.uint8)


def _motion_blur(img, rng):
    k = int(rng.integers(3, 6))
    kern = np.zeros((k, k), np.float32)
    kern[k // 2, :] = 1.0
    rot = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), rng.uniform(0, 180), 1.0)
    kern = cv2.warpAffine(kern, rot, (k, k))
    kern /= max(kern.sum(), 1e-6)
    return cv2.filter2D(img, -1, kern)


def degrade_crop(img, rng, box=0.08):
    """Heavy random degradation; each effect has its own probability."""
    img = jitter_warp(img, rng, box=box)
    h, w = img.shape[:2]
    # Resolution: far plates are 12-30 px tall; near ones up to ~80.
    # Blur is applied at a 40 px plate height, then the crop is scaled: the same
    # optical blur in pixels of a far (small) plate would erase it entirely.
    s = 40.0 / h
    img = cv2.resize(img, (max(8, int(w * s)), 40), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    if rng.random() < 0.3:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 1.5))
    if rng.random() < 0.15:
        img = _motion_blur(img, rng)
    h, w = img.shape[:2]
    th = int(rng.choice([rng.uniform(12, 24), rng.uniform(20, 64)]))
    tw = max(8, int(round(w * th / h * rng.uniform(0.85, 1.15))))
    img = cv2.resize(img, (tw, th), interpolation=cv2.INTER_AREA if th < h else cv2.INTER_LINEAR)
    if rng.random() < 0.15:
        img = _glare(img, rng)
    f = img.astype(np.float32)
    # Contrast / brightness / gamma; "night" = dark, low contrast, more noise.
    night = rng.random() < 0.15
    if night:
        f = f * rng.uniform(0.3, 0.55) + rng.uniform(0, 15)
    else:
        f = (f - 128) * rng.uniform(0.6, 1.3) + 128 + rng.uniform(-40, 40)
    f = np.clip(f, 0, 255)
    f = 255 * (f / 255) ** rng.uniform(0.7, 1.4)
    sigma = rng.uniform(0, 9 if night else 7)
    f += rng.normal(0, sigma, f.shape)
    img = np.clip(f, 0, 255).astype(np.uint8)
    if rng.random() < 0.4:
        q = int(rng.uniform(15, 70))
        img = cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1], cv2.IMREAD_UNCHANGED)
    if rng.random() < 0.1:
        img = 255 - img  # light-on-dark plates exist (red BR, some US)
    return img
