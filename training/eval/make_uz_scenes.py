"""Held-out synthetic Uzbek scenes for checking the whole engine (detector + reader).

    /usr/bin/python3 -m training.eval.make_uz_scenes --out /tmp/uz-scenes --count 200 --seed 12345

Uzbek plates from the renderer's PlateSampler pasted onto real `scenes/negatives`
frames (1280x720 or 1920x1080, 1-5 plates, 60-300 px wide). Seeds: training uses
PlateSampler seeds < 1,000,000 (train.py: seed*100+worker, validation 424242), so this
set offsets its seed by 10,000,000 and never overlaps. The backgrounds are shared with
training (only 622 exist), the plates and their placement are new.

Writes DIR/0001.jpg ... and DIR/labels.jsonl, one line per image:
{"image": "0001.jpg", "plates": [{"text", "box": [x,y,w,h], "corners": [[x,y]x4], "format"}]}
"""
import argparse
import json
import os

import cv2
import numpy as np

from training.synth.scene import SceneComposer

HELD_OUT_SEED_OFFSET = 10_000_000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=12345)
    args = ap.parse_args()
    seed = HELD_OUT_SEED_OFFSET + args.seed
    comp = SceneComposer(seed=seed, uz_only=True)
    if comp.plates.sampler is None:
        raise SystemExit("training.synth.plates.PlateSampler is required for Uzbek scenes")
    rng = np.random.default_rng(seed)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "labels.jsonl"), "w") as f:
        for i in range(args.count):
            h, w = (720, 1280) if rng.random() < 0.5 else (1080, 1920)
            # Milder camera damage than training: this set measures reading, too.
            img, plates = comp.scene(rng, h, w, n_range=(1, 5), width_range=(60, 300),
                                     car_prob=0.5, strength=0.6)
            name = f"{i + 1:04d}.jpg"
            cv2.imwrite(os.path.join(args.out, name), img, [cv2.IMWRITE_JPEG_QUALITY, 92])
            rec = {"image": name, "width": w, "height": h, "plates": [{
                "text": p["text"],
                "box": [round(v, 1) for v in p["box"]],
                "corners": [[round(float(x), 1), round(float(y), 1)] for x, y in p["corners"]],
                "format": p.get("format"),
            } for p in plates]}
            f.write(json.dumps(rec) + "\n")
    print(f"wrote {args.count} scenes to {args.out}")


if __name__ == "__main__":
    main()
