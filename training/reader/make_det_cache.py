"""Reader inputs cut the way the engine cuts them: by the REAL detector's box.

    nice /usr/bin/python3 -m training.reader.make_det_cache --seed 30000001 --scenes 600 \
        --out training/cache/det_train_30000001.npz

Renders Uzbek street scenes (training.synth.scene.SceneComposer, uz_only), runs
models/plate_detector.onnx on each frame exactly as the engine does (working size
1024, threshold 0.35, training.detector.decode), matches each detection to a rendered
plate (IoU >= 0.3) and crops the frame at the detector's axis-aligned box (floor/ceil,
no margin: src/vision/plate_recognizer.cpp). Each matched plate also yields `--jitter`
crops whose sides are moved by the detector's own measured error spread, so boxes that
cut into the region field or the last letter are common.

Honest labels: the renderer records where each text line lies on the plate
(Plate.spans). A crop keeps its label only if the centre of the first and of the last
character of every line, and the middle 60 % of each line's height, lie inside the
crop; otherwise the sample is dropped (never trained with a label the crop does not
show). The counts of kept/dropped samples and the detector's side errors are printed.

Seeds: training.common.seeds (det-crop train 30,000,001+, validation 30,500,000).
"""
import argparse
import json
import os
import time
from pathlib import Path

import cv2
import numpy as np

from training.common import seeds
from training.detector.decode import decode, iou, prepare as det_prepare, working_scale
from training.synth.scene import SceneComposer

from .prepare import prepare

ROOT = Path(__file__).resolve().parents[2]
THRESHOLD = 0.35  # the engine's DetectorOptions::threshold


def crop_rect(box, shape):
    """The engine's CropRect with zero margin: floor/ceil, clipped to the frame."""
    h, w = shape[:2]
    x0, y0 = int(np.floor(box[0])), int(np.floor(box[1]))
    x1, y1 = int(np.ceil(box[0] + box[2])), int(np.ceil(box[1] + box[3]))
    return max(0, x0), max(0, y0), min(w, x1), min(h, y1)


def unit_to_frame(corners):
    """Homography from plate coordinates (u, v) in [0, 1]^2 to frame pixels."""
    src = np.float32([[0, 0], [1, 0], [1, 1], [0, 1]])
    return cv2.getPerspectiveTransform(src, np.float32(corners))


def label_visible(spans, corners, rect):
    """True when every line's first and last character centres and the middle of its
    height lie inside rect (x0, y0, x1, y1). False when spans are unknown."""
    if not spans:
        return False
    H = unit_to_frame(corners)
    pts = []
    for text, u0, u1, v0, v1 in spans:
        # Separators (spaces, dashes) are drawn narrower than characters.
        n_alnum = sum(ch.isalnum() for ch in text)
        glyphs = n_alnum + 0.4 * (len(text) - n_alnum)
        cw = (u1 - u0) / max(1.0, glyphs)
        vm = (v0 + v1) / 2
        um = (u0 + u1) / 2
        pts += [(u0 + 0.5 * cw, vm), (u1 - 0.5 * cw, vm),
                (um, v0 + 0.2 * (v1 - v0)), (um, v1 - 0.2 * (v1 - v0))]
    f = cv2.perspectiveTransform(np.float32(pts)[None], H)[0]
    x0, y0, x1, y1 = rect
    return bool(np.all((f[:, 0] >= x0) & (f[:, 0] <= x1) & (f[:, 1] >= y0) & (f[:, 1] <= y1)))


def side_errors(det_box, gt_box):
    """Detector box sides minus ground-truth sides, in GT widths/heights (+ = outward)."""
    dx0, dy0 = gt_box[0] - det_box[0], gt_box[1] - det_box[1]
    dx1 = (det_box[0] + det_box[2]) - (gt_box[0] + gt_box[2])
    dy1 = (det_box[1] + det_box[3]) - (gt_box[1] + gt_box[3])
    return [dx0 / gt_box[2], dx1 / gt_box[2], dy0 / gt_box[3], dy1 / gt_box[3]]


class DetCropMaker:
    def __init__(self, seed, model=ROOT / "models" / "plate_detector.onnx"):
        cv2.setNumThreads(1)
        self.net = cv2.dnn.readNetFromONNX(str(model))
        self.comp = SceneComposer(seed=seed, uz_only=True)
        self.rng = np.random.default_rng(seed)
        self.stats = {"scenes": 0, "plates": 0, "matched": 0, "kept": 0, "dropped_cut": 0,
                      "jitter_kept": 0, "jitter_dropped": 0}
        self.errors = []

    def detect(self, img):
        s = working_scale(*img.shape[:2])
        self.net.setInput(det_prepare(img, s))
        return [d for d in decode(self.net.forward(), threshold=THRESHOLD, scale=s)]

    def scene_crops(self, jitter):
        """-> [(crop BGR, text, lines, is_jittered)] from one rendered scene."""
        rng = self.rng
        h, w = (720, 1280) if rng.random() < 0.5 else (1080, 1920)
        img, plates = self.comp.scene(rng, h, w, n_range=(1, 5), width_range=(45, 320),
                                      car_prob=0.5, strength=float(rng.uniform(0.5, 1.0)))
        dets = self.detect(img)
        self.stats["scenes"] += 1
        self.stats["plates"] += len(plates)
        out = []
        used = set()
        for p in plates:
            best, bi = 0.3, -1
            for i, (_, box, _) in enumerate(dets):
                v = iou(box, p["box"])
                if i not in used and v >= best:
                    best, bi = v, i
            if bi < 0:
                continue  # missed: the engine reads nothing here either
            used.add(bi)
            self.stats["matched"] += 1
            box = dets[bi][1]
            self.errors.append(side_errors(box, p["box"]))
            boxes = [(box, False)]
            for _ in range(jitter):
                bw, bh = box[2], box[3]
                dx0, dx1 = rng.normal(0, 0.04, 2) * bw
                dy0, dy1 = rng.normal(0, 0.08, 2) * bh
                boxes.append(([box[0] - dx0, box[1] - dy0, bw + dx0 + dx1, bh + dy0 + dy1], True))
            for b, jit in boxes:
                r = crop_rect(b, img.shape)
                if r[2] - r[0] < 8 or r[3] - r[1] < 4:
                    continue
                key = "jitter_" if jit else ""
                if not label_visible(p.get("spans"), p["corners"], r):
                    self.stats[key + ("dropped" if jit else "dropped_cut")] += 1
                    continue
                self.stats[key + "kept"] += 1
                out.append((img[r[1]:r[3], r[0]:r[2]].copy(), p["text"], p["lines"], jit))
        return out

    def error_summary(self):
        e = np.array(self.errors) if self.errors else np.zeros((0, 4))
        names = ("left", "right", "top", "bottom")
        return {n: {"median": round(float(np.median(e[:, k])), 3),
                    "p10": round(float(np.percentile(e[:, k], 10)), 3),
                    "p90": round(float(np.percentile(e[:, k], 90)), 3)} for k, n in enumerate(names)} \
            if len(e) else {}


def held_out_crops(seed, scenes):
    """[(crop BGR, text, lines)] at the detector's own boxes (no extra jitter), and the
    maker's counts: the held-out detector-crop test set of evaluate.py."""
    maker = DetCropMaker(seed)
    out = []
    for _ in range(scenes):
        out += [(c, t, nl) for c, t, nl, _ in maker.scene_crops(0)]
    return out, maker.stats


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--scenes", type=int, default=500)
    ap.add_argument("--jitter", type=int, default=1, help="extra jittered crops per plate")
    ap.add_argument("--wrong", type=float, default=0.06)
    ap.add_argument("--held-out", action="store_true",
                    help="a validation/test set: the seed must be a registered held-out seed")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    if args.held_out:
        if args.seed not in (seeds.DET_CROP_VAL, seeds.DET_CROP_TEST):
            raise SystemExit(f"held-out detector-crop seeds are {seeds.DET_CROP_VAL}, {seeds.DET_CROP_TEST}")
    else:
        seeds.check_training_seed(args.seed)
    maker = DetCropMaker(args.seed)
    rng = np.random.default_rng(args.seed + 1)
    xs, texts, lines, jits = [], [], [], []
    t0 = time.time()
    for i in range(args.scenes):
        for crop, text, nl, jit in maker.scene_crops(args.jitter):
            if rng.random() < args.wrong:
                xs.append(prepare(crop, "one-line" if nl == 2 else "two-line"))
                texts.append("")
            else:
                xs.append(prepare(crop, "two-line" if nl == 2 else "one-line"))
                texts.append(text)
            lines.append(nl)
            jits.append(jit)
        if (i + 1) % 100 == 0:
            print(f"{i + 1} scenes, {len(xs)} crops, {time.time() - t0:.0f} s", flush=True)
    tmp = args.out + ".tmp.npz"
    np.savez_compressed(tmp, x=np.stack(xs), texts=np.array(texts), lines=np.array(lines),
                        jittered=np.array(jits))
    os.replace(tmp, args.out)  # atomic: the trainer never sees a half-written file
    print(json.dumps({"out": args.out, "crops": len(xs), "s": round(time.time() - t0),
                      **maker.stats, "detector_side_error": maker.error_summary()}))


if __name__ == "__main__":
    main()
