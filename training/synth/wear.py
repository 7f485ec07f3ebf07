"""Ageing of a clean plate: tint, uneven light, dirt specks and streaks.

Applied at output size, before any camera degradation (augment.degrade), because
these belong to the plate itself and show even in a perfect photo.
"""
import cv2
import numpy as np


def wear(img, rng):
    h, w = img.shape[:2]
    out = img.astype(np.float32)
    # Colour cast of the light and the reflective sheeting.
    out *= rng.uniform(0.88, 1.06, size=3).astype(np.float32)
    # Smooth light gradient across the plate.
    if rng.random() < 0.7:
        gx = np.linspace(-1, 1, w, dtype=np.float32)[None, :] * rng.uniform(-0.15, 0.15)
        gy = np.linspace(-1, 1, h, dtype=np.float32)[:, None] * rng.uniform(-0.15, 0.15)
        out *= (1.0 + gx + gy)[..., None]
    # Dirt: a few soft dark blotches, heavier near the bottom edge (road spray).
    if rng.random() < 0.5:
        dirt = np.zeros((h, w), np.float32)
        for _ in range(int(rng.integers(1, 6))):
            cx, cy = int(rng.integers(0, w)), int(h * rng.uniform(0.4, 1.1))
            ax, ay = int(w * rng.uniform(0.05, 0.3)), int(h * rng.uniform(0.1, 0.4))
            cv2.ellipse(dirt, (cx, cy), (ax, ay), 0, 0, 360, float(rng.uniform(0.1, 0.35)), -1)
        dirt = cv2.GaussianBlur(dirt, (0, 0), max(1.0, h * 0.08))
        brown = np.array([40, 60, 80], np.float32)
        out += (brown - out) * dirt[..., None]
    # Specks.
    if rng.random() < 0.4:
        n = int(rng.integers(5, 40))
        ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
        out[ys, xs] *= rng.uniform(0.3, 0.8, (n, 1)).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)
