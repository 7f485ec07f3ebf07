"""Crop -> 32x128 reader input, exactly as docs/model-contracts.md section 3 says.

The C++ engine does the same thing, so this stays deliberately plain:
- one-line: grey, resize the whole crop to 128x32;
- two-line: grey, top rows [0, round(0.55 h)) and bottom rows [round(0.45 h), h),
  each resized to 64x32, placed left (top) | right (bottom).
Interpolation: INTER_AREA when the source is larger than the target in either
direction (w > target_w or h > target_h), else INTER_LINEAR. round() is half away
from zero (C++ std::round), written as floor(x + 0.5) since x >= 0.
"""
import math

import cv2
import numpy as np

H, W = 32, 128
MODES = ("one-line", "two-line")
WIDE_RATIO = 2.6  # crops with w/h >= this are read in one-line mode only


def _resize(grey, w, h):
    sh, sw = grey.shape[:2]
    interp = cv2.INTER_AREA if (sw > w or sh > h) else cv2.INTER_LINEAR
    return cv2.resize(grey, (w, h), interpolation=interp)


def _round(x):
    return int(math.floor(x + 0.5))


def to_grey(crop):
    if crop.ndim == 2:
        return crop
    return cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)


def prepare(crop_bgr, mode="one-line"):
    """uint8 [32, 128] grey input for one crop (BGR or already grey)."""
    grey = to_grey(crop_bgr)
    if mode == "one-line":
        return _resize(grey, W, H)
    if mode != "two-line":
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    h = grey.shape[0]
    # Clamps keep both halves non-empty for degenerate 1-2 px crops (as the engine).
    top = grey[0:max(1, _round(0.55 * h))]
    bottom = grey[min(h - 1, _round(0.45 * h)):h]
    return np.hstack([_resize(top, W // 2, H), _resize(bottom, W // 2, H)])


def modes_for(crop):
    """Modes the engine tries for a crop: wide crops one-line only, else both."""
    h, w = crop.shape[:2]
    return ("one-line",) if w / max(h, 1) >= WIDE_RATIO else MODES


def to_blob(prepared):
    """list of uint8 [32,128] -> float32 [N,1,32,128] with values pixel / 255."""
    arr = np.asarray(prepared, dtype=np.float32) / 255.0
    return arr.reshape(-1, 1, H, W)


if __name__ == "__main__":
    # Golden values for the C++ side: a deterministic BGR pattern in a few sizes
    # (shrinking, enlarging, mixed) -> sha1 of each prepared 32x128 input.
    import hashlib
    for h, w in ((80, 200), (20, 60), (40, 100), (57, 151), (90, 90)):
        yy, xx = np.mgrid[0:h, 0:w]
        img = np.dstack([(xx * 7 + yy * 13) % 256, (xx * 3 + yy * 5) % 256,
                         (xx * 11 + yy * 2) % 256]).astype(np.uint8)
        for mode in MODES:
            out = prepare(img, mode)
            print(f"{h}x{w} {mode}: sum={int(out.sum())} sha1={hashlib.sha1(out.tobytes()).hexdigest()[:16]}")
