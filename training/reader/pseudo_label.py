"""Self-training: pseudo-label the unlabelled EU crops (crops-eu/eu, eu2).

    /usr/bin/python3 -m training.reader.pseudo_label models/plate_reader.onnx \
        --out training/cache/pseudo_eu.json --min-conf 0.9

A crop is kept only when the model's best beam candidate (mode chosen by the
engine's rule) has probability >= --min-conf AND fits one of the EU format regexes
in plate-formats/eu.json. EU crops in eu_check.csv (hand-read, for measuring) are
never pseudo-labelled.
"""
import argparse
import csv
import json
import re
from pathlib import Path

import cv2

from . import ctc
from .data import eu_unlabelled
from .evaluate import Reader
from .prepare import modes_for, prepare

ROOT = Path(__file__).resolve().parents[2]
CHECK = Path(__file__).resolve().parent / "eu_check.csv"


def eu_regexes():
    spec = json.loads((ROOT / "plate-formats" / "eu.json").read_text())
    return [re.compile(f["regex"]) for f in spec["formats"]]


def check_names():
    if not CHECK.exists():
        return {}
    with open(CHECK, newline="") as f:
        rows = [line for line in f if not line.startswith("#")]
    return {r["file"]: r["text"] for r in csv.DictReader(rows)}


def read_best(reader, crops):
    """[(text, conf)] per crop with the engine's mode rule (beam top-1)."""
    prep = {m: reader.probs([prepare(c, m) for c in crops]) for m in ("one-line", "two-line")}
    out = []
    for i, c in enumerate(crops):
        cands = [ctc.best_text(prep[m][i]) for m in modes_for(c)]
        out.append(max(cands, key=lambda x: x[1]))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--out", default="training/cache/pseudo_eu.json")
    ap.add_argument("--min-conf", type=float, default=0.9)
    args = ap.parse_args(argv)
    reader, rx, held = Reader(args.model), eu_regexes(), check_names()
    items = [(img, name) for img, name in eu_unlabelled() if name not in held]
    reads = read_best(reader, [img for img, _ in items])
    keep = [{"file": name, "text": t, "conf": round(c, 4)}
            for (img, name), (t, c) in zip(items, reads)
            if c >= args.min_conf and any(r.match(t) for r in rx)]
    conf_only = sum(c >= args.min_conf for t, c in reads)
    print(f"{len(items)} EU crops: {conf_only} with conf >= {args.min_conf}, "
          f"{len(keep)} also fit an EU format -> pseudo-labels")
    with open(args.out, "w") as f:
        json.dump(keep, f, indent=0)
    if held:  # how good are confident reads on the hand-read check crops?
        names = list(held)
        imgs = {n: img for img, n in eu_unlabelled() if n in held}
        r = read_best(reader, [imgs[n] for n in names])
        acc = sum(t == held[n] for (t, _), n in zip(r, names)) / len(names)
        sel = [(t == held[n]) for (t, c), n in zip(r, names)
               if c >= args.min_conf and any(x.match(t) for x in rx)]
        print(f"eu_check: exact {acc:.3f} on {len(names)}; pseudo-label precision "
              f"{sum(sel) / max(1, len(sel)):.3f} on the {len(sel)} that pass the filter")


def load_pseudo(path):
    """[(bgr, text, 'eu')] for training (sources.RealSource)."""
    from training.common.splits import data_dir
    base = data_dir() / "plates" / "crops-eu"
    out = []
    for r in json.load(open(path)):
        img = cv2.imread(str(base / r["file"]), cv2.IMREAD_COLOR)
        if img is not None:
            out.append((img, r["text"], "eu"))
    return out


if __name__ == "__main__":
    main()
