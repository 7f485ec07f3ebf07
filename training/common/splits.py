"""Held-out splits of the real labelled plate crops (docs/model-contracts.md, section 1).

A plate goes to the test split by a hash of its text, not of its file, so every
photo of one plate stays on the same side. Training code asks for split="train",
evaluation for split="test"; nothing else should list these folders directly.
"""
import csv
import hashlib
import os
import re
from pathlib import Path

# The 7-character Brazilian token (old ABC1234 or Mercosul ABC1D23), standing alone
# between non-alphanumerics, so that e.g. "_CC_011241_AXK3125.JPG" yields AXK3125.
_BR_TOKEN = re.compile(r"(?<![A-Za-z0-9])([A-Z]{3}[0-9][A-Z0-9][0-9]{2})(?![A-Za-z0-9])")
_SPLITS = ("train", "test", "all")


def data_dir():
    """The shared read-only data folder: $SAFELANE_DATA, else <repo>/../shared/data."""
    env = os.environ.get("SAFELANE_DATA")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "data"


def is_test_text(text):
    """True when a plate with this text belongs to the held-out test split (~20 %)."""
    digest = hashlib.sha1(text.upper().encode()).hexdigest()
    return int(digest[:8], 16) % 10 < 2


def in_split(text, split):
    """Whether a plate text belongs to split 'train', 'test' or 'all'."""
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}")
    if split == "all":
        return True
    return is_test_text(text) == (split == "test")


def br_text_from_name(name):
    """The plate text held in a crops-br file name, or None for an unlabelled crop."""
    match = _BR_TOKEN.search(name)
    return match.group(1) if match else None


def br_crops(data=None, split="train"):
    """[(path, text)] of the labelled Brazilian crops in the given split, sorted by path."""
    folder = Path(data or data_dir()) / "plates" / "crops-br"
    out = []
    for path in sorted(folder.iterdir()):
        text = br_text_from_name(path.name)
        if text and in_split(text, split):
            out.append((path, text))
    return out


def us_crops(data=None, split="train"):
    """[(path, text, state)] of the US crops (labels.csv) in the given split."""
    folder = Path(data or data_dir()) / "plates" / "crops-us"
    out = []
    with open(folder / "labels.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            text = row["text"].strip().upper()
            path = folder / row["file"].strip()
            # A few rows read just "0": the labeller's mark for an unreadable plate.
            if len(text) < 2 or not path.exists() or not in_split(text, split):
                continue
            out.append((path, text, row["state"].strip().lower()))
    return out


if __name__ == "__main__":
    for name, lister in (("crops-br", br_crops), ("crops-us", us_crops)):
        counts = {s: len(lister(split=s)) for s in ("train", "test", "all")}
        share = counts["test"] / max(1, counts["all"])
        print(f"{name}: {counts['all']} labelled, train {counts['train']}, "
              f"test {counts['test']} ({share:.1%})")
