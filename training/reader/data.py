"""Training/validation samples for the reader.

Real: crops-br and crops-us, TRAIN split only (training/common/splits.py). From that
train split a validation slice is carved by a second text hash (is_val_text), so
checkpoints are chosen without ever touching the test split.

crops-br files named "<n>_<TEXT>.jpg" carry labels from some earlier OCR: on a visual
check most are wrong (e.g. 9_MTC5B22 shows MTC-5822), so they are left out of
training and validation (NOISY_BR); the test report lists them separately.
"""
import hashlib
import re

import cv2
import numpy as np

from training.common.splits import br_crops, us_crops, data_dir

from .prepare import prepare, MODES

NOISY_BR = re.compile(r"^\d+_")


def is_val_text(text):
    """~10 % of train-split texts form the validation slice (a different hash salt)."""
    return int(hashlib.sha1(b"val:" + text.encode()).hexdigest()[:8], 16) % 10 == 0


def _read(path):
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise IOError(f"cannot read {path}")
    return img


def real_train(part="train"):
    """[(bgr, text, source)] from the train split; part 'train' or 'val' (carved slice)."""
    out = []
    want_val = part == "val"
    for path, text in br_crops(split="train"):
        if NOISY_BR.match(path.name) or is_val_text(text) != want_val:
            continue
        out.append((_read(path), text, "br"))
    for path, text, _state in us_crops(split="train"):
        if is_val_text(text) != want_val:
            continue
        out.append((_read(path), text, "us"))
    return out


def real_test():
    """[(bgr, text, source)] of the held-out TEST split: for evaluate.py only."""
    out = []
    for path, text in br_crops(split="test"):
        src = "br-noisy" if NOISY_BR.match(path.name) else ("br-pl" if path.name.startswith("pl_") else "br")
        out.append((_read(path), text, src))
    for path, text, _state in us_crops(split="test"):
        out.append((_read(path), text, "us"))
    return out


def eu_unlabelled():
    """[(bgr, name)] of crops-eu/eu and eu2 (no text): self-training only."""
    base = data_dir() / "plates" / "crops-eu"
    out = []
    for sub in ("eu", "eu2"):
        for p in sorted((base / sub).iterdir()):
            img = cv2.imread(str(p), cv2.IMREAD_COLOR)
            if img is not None:
                out.append((img, f"{sub}/{p.name}"))
    return out


def wrong_mode(lines):
    """The preparation mode that does NOT fit a plate with this many lines."""
    return MODES[1] if lines == 1 else MODES[0]
