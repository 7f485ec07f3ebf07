"""Frames for bench/speed (safelane-bench-read): real background photos with rendered
Uzbek plates, at 1280x720, 1920x1080 and 3840x2160, with exactly 1 and 5 plates each.

    /usr/bin/python3 bench/make_speed_frames.py --out DIR [--per-group 6]

Plate widths follow a lane camera's view: about 6-14 % of the frame width. Seeds are
far from any training seed. Writes DIR/<w>x<h>-<n>p-<k>.jpg and DIR/labels.jsonl.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import cv2  # noqa: E402
import numpy as np  # noqa: E402

from training.synth.scene import SceneComposer  # noqa: E402

SIZES = [(1280, 720), (1920, 1080), (3840, 2160)]
SEED = 20_000_000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--per-group", type=int, default=6)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    comp = SceneComposer(seed=SEED, uz_only=True)
    rng = np.random.default_rng(SEED)
    with open(os.path.join(args.out, "labels.jsonl"), "w") as f:
        for w, h in SIZES:
            for n in (1, 5):
                for k in range(args.per_group):
                    img, plates = comp.scene(rng, h, w, n_range=(n, n),
                                             width_range=(0.06 * w, 0.14 * w),
                                             car_prob=0.5, strength=0.5)
                    if len(plates) != n:  # placement gave up on a crowded frame: retry once
                        img, plates = comp.scene(rng, h, w, n_range=(n, n),
                                                 width_range=(0.06 * w, 0.12 * w),
                                                 car_prob=0.5, strength=0.5)
                    name = f"{w}x{h}-{n}p-{k}.jpg"
                    cv2.imwrite(os.path.join(args.out, name), img, [cv2.IMWRITE_JPEG_QUALITY, 90])
                    f.write(json.dumps({"image": name, "group": f"{w}x{h} {n} plate(s)",
                                        "plates": [{"text": p["text"],
                                                    "box": [round(v, 1) for v in p["box"]]}
                                                   for p in plates]}) + "\n")
    print(f"wrote {len(SIZES) * 2 * args.per_group} frames to {args.out}")


if __name__ == "__main__":
    main()
