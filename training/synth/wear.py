"""Ageing of a clean plate: tint, uneven light, dirt blotches and specks.

Applied at output size, before any camera degradation (augment.degrade), because
these belong to the plate itself and show even in a perfect photo. All effects are
folded into one per-pixel gain and one dirt layer so the image is touched twice.
"""
import cv2
import numpy as np

_DIRT_BGR = np.array([40, 60, 80], np.float32)  # road grime is brownish


def wear(img, rng):
    h, w = img.shape[:2]
    # Colour cast of the light and the sheeting, times a smooth light gradient.
    tint = rng.uniform(0.95, 1.03, size=3).astype(np.float32) * np.float32(rng.uniform(0.9, 1.05))
    gx = np.linspace(-1, 1, w, dtype=np.float32) * np.float32(rng.uniform(-0.15, 0.15))
    gy = np.linspace(-1, 1, h, dtype=np.float32) * np.float32(rng.uniform(-0.15, 0.15))
    gain = (1.0 + gy[:, None] + gx[None, :])[..., None] * tint
    out = cv2.multiply(img.astype(np.float32), gain)
    if rng.random() < 0.5:
        # Soft blotches, mostly in the lower half where road spray lands; drawn at
        # quarter size and blown up, which is also what makes them soft.
        sh, sw = max(4, h // 4), max(4, w // 4)
        dirt = np.zeros((sh, sw), np.float32)
        for _ in range(int(rng.integers(1, 6))):
            cx, cy = int(rng.integers(0, sw)), int(sh * rng.uniform(0.4, 1.1))
            ax, ay = int(sw * rng.uniform(0.05, 0.3)), int(sh * rng.uniform(0.1, 0.4))
            cv2.ellipse(dirt, (cx, cy), (ax, ay), 0, 0, 360, float(rng.uniform(0.1, 0.35)), -1)
        dirt = cv2.resize(cv2.GaussianBlur(dirt, (0, 0), max(1.0, sh * 0.1)), (w, h))
        out += (_DIRT_BGR - out) * dirt[..., None]
    if rng.random() < 0.4:  # specks of grit and chipped paint
        n = int(rng.integers(5, 40))
        ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
        out[ys, xs] *= rng.uniform(0.3, 0.8, (n, 1)).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)
