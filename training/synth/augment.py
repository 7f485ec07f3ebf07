"""degrade(img, rng): what a roadside camera and a plate detector do to a clean plate.

Order follows the physics: geometry (view angle, rotation, the detector's loose or
tight box) and the sensor's resolution come first, in one warp straight to the low
resolution the plate really occupies; then optics (blur), light (exposure, night,
glare, shadow), sensor noise and JPEG happen at that resolution; finally the crop is
scaled back to its input size, as the engine would resize it. Working at the small
size keeps the whole chain around a millisecond.
"""
import cv2
import numpy as np


def degrade(img, rng):
    h, w = img.shape[:2]
    small = _geometry(img, rng)
    small = _optics(small, rng)
    small = _light(small, rng)
    small = _sensor(small, rng)
    interp = cv2.INTER_LINEAR if rng.random() < 0.7 else cv2.INTER_CUBIC
    return cv2.resize(small, (w, h), interpolation=interp)


def _geometry(img, rng):
    h, w = img.shape[:2]
    # Character height on the sensor: often tiny (12-20 px), sometimes generous.
    char_px = rng.uniform(12, 20) if rng.random() < 0.5 else rng.uniform(20, 60)
    # Characters fill ~65 % of a one-line plate's height, ~40 % of a two-line one's.
    char_share = 0.65 if w / h > 2.0 else 0.4
    scale = min(1.0, char_px / (char_share * h))
    out_w, out_h = max(8, int(round(w * scale))), max(6, int(round(h * scale)))
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    # Perspective: each corner wanders a little; rotation up to 8 degrees about the centre.
    dst = src + rng.normal(0, 0.025, (4, 2)).astype(np.float32) * np.float32([w, h])
    angle = np.deg2rad(rng.uniform(-8, 8) if rng.random() < 0.7 else rng.uniform(-2, 2))
    c, s = np.cos(angle), np.sin(angle)
    centre = np.float32([w / 2, h / 2])
    dst = (dst - centre) @ np.float32([[c, -s], [s, c]]).T + centre
    # The detector's box: the plate's bounding box with a margin that may be negative
    # (cuts a few pixels) or generous (shows the car body around it).
    x0, y0 = dst.min(axis=0)
    x1, y1 = dst.max(axis=0)
    bw, bh = x1 - x0, y1 - y0
    m = rng.uniform(-0.03, 0.10, 4) * np.float32([bw, bh, bw, bh])
    x0, y0, x1, y1 = x0 - m[0], y0 - m[1], x1 + m[2], y1 + m[3]
    to_out = np.float32([[out_w / (x1 - x0), 0, -x0 * out_w / (x1 - x0)],
                         [0, out_h / (y1 - y0), -y0 * out_h / (y1 - y0)], [0, 0, 1]])
    H = to_out @ cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    # Warping straight to the small size would alias; pre-blur the source accordingly.
    if scale < 0.5:
        k = 1.0 / scale
        img = cv2.resize(img, (max(8, int(w * scale * 2)), max(6, int(h * scale * 2))),
                         interpolation=cv2.INTER_AREA)
        H = H @ np.float32([[k / 2, 0, 0], [0, k / 2, 0], [0, 0, 1]])
    # Around the plate: mostly grey, black, white or silver paint and bumpers.
    grey = rng.integers(15, 220)
    tint = rng.integers(-60, 61, 3) if rng.random() < 0.25 else rng.integers(-8, 9, 3)
    surround = tuple(int(v) for v in np.clip(grey + tint, 0, 255))
    return cv2.warpPerspective(img, H, (out_w, out_h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=surround)


def _optics(img, rng):
    r = rng.random()
    if r < 0.3:
        sigma = rng.uniform(0.3, 0.8)
        return cv2.GaussianBlur(img, (0, 0), sigma)
    if r < 0.5:
        # Motion blur of a passing car: a short line kernel at a random angle.
        n = int(rng.choice([1, 1, 2, 3]))
        k = np.zeros((n * 2 + 1, n * 2 + 1), np.float32)
        a = rng.uniform(0, np.pi)
        dx, dy = np.cos(a) * n, np.sin(a) * n
        cv2.line(k, (int(n - dx), int(n - dy)), (int(n + dx), int(n + dy)), 1.0, 1)
        return cv2.filter2D(img, -1, k / k.sum())
    return img


def _light(img, rng):
    """One lighting situation, then the camera's own exposure curve.

    Effects are drawn so that a plate stays readable by a person in nearly every
    sample: an unreadable crop with a confident label only teaches the OCR to guess.
    """
    h, w = img.shape[:2]
    out = img.astype(np.float32)
    mode = rng.random()
    shift = rng.uniform(-30, 30)
    if mode < 0.12:  # night: dark, with headlight glare blobs
        out *= rng.uniform(0.3, 0.6)
        out = _glare(out, rng, strength=rng.uniform(30, 120))
        shift = rng.uniform(0, 20)
    elif mode < 0.22:  # sun glare / overexposure
        out = out * rng.uniform(1.05, 1.35) + rng.uniform(5, 35)
        out = _glare(out, rng, strength=rng.uniform(30, 110))
        shift = rng.uniform(-20, 5)
    if rng.random() < 0.2:  # a hard shadow edge across the plate
        mask = np.zeros((h, w), np.float32)
        xa, xb = rng.uniform(-0.2, 1.2, 2) * w
        pts = np.array([[xa, 0], [xb, h], [w * 2, h], [w * 2, 0]], np.int32)
        if rng.random() < 0.5:
            pts[2:, 0] = -w
        cv2.fillPoly(mask, [pts], 1.0)
        out *= (1 - mask * rng.uniform(0.25, 0.55))[..., None]
    # Contrast, brightness and gamma of the camera's exposure, as one lookup table.
    out = np.clip((out - 128) * rng.uniform(0.7, 1.2) + 128 + shift, 0, 255)
    lut = (np.linspace(0, 1, 256) ** rng.uniform(0.7, 1.4) * 255).astype(np.uint8)
    return cv2.LUT(out.astype(np.uint8), lut)


def _glare(out, rng, strength):
    h, w = out.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for _ in range(int(rng.integers(1, 3))):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.2, 0.8) * h
        out += strength * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))[..., None]
    return out


def _sensor(img, rng):
    if rng.random() < 0.15:  # infrared ANPR cameras deliver grey images
        g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        img = cv2.cvtColor(g, cv2.COLOR_GRAY2BGR)
    if rng.random() < 0.7:
        sigma = rng.uniform(2, 10)
        noise = rng.normal(0, sigma, img.shape).astype(np.float32)
        img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    quality = int(rng.integers(20, 96))
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else img
