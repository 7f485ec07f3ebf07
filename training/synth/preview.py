"""Grid of sampled plates, clean (left) and degraded (right), for eyeballing realism.

    /usr/bin/python3 -m training.synth.preview --out /tmp/preview.png --count 48
"""
import argparse

import cv2
import numpy as np

from training.synth.augment import degrade
from training.synth.plates import PlateSampler

CELL_W, CELL_H = 300, 110


def _cell(img, label):
    h, w = img.shape[:2]
    s = min((CELL_W - 8) / w, (CELL_H - 22) / h)
    img = cv2.resize(img, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA)
    cell = np.full((CELL_H, CELL_W, 3), 60, np.uint8)
    cell[4:4 + img.shape[0], 4:4 + img.shape[1]] = img
    cv2.putText(cell, label, (4, CELL_H - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (255, 255, 255), 1)
    return cell


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/preview.png")
    ap.add_argument("--count", type=int, default=48)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--country", default=None)
    ap.add_argument("--formats", default=None, help="comma-separated format ids, cycled")
    args = ap.parse_args()
    sampler = PlateSampler(seed=args.seed)
    rng = np.random.default_rng(args.seed + 1)
    rows = []
    formats = args.formats.split(",") if args.formats else [None]
    for i in range(args.count):
        p = sampler.sample(country=args.country, format_id=formats[i % len(formats)])
        label = f"{p.format_id} {p.text} {p.image.shape[1]}x{p.image.shape[0]}"
        rows.append(np.hstack([_cell(p.image, label), _cell(degrade(p.image, rng), "degraded")]))
    cols = 2
    while len(rows) % cols:
        rows.append(np.zeros_like(rows[0]))
    grid = np.vstack([np.hstack(rows[i:i + cols]) for i in range(0, len(rows), cols)])
    cv2.imwrite(args.out, grid)
    print(f"wrote {args.out} ({len(rows)} plates)")


if __name__ == "__main__":
    main()
