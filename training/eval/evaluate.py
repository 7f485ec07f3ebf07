"""Evaluate the exported detector through cv2.dnn, exactly as the C++ engine runs it.

    /usr/bin/python3 -m training.eval.evaluate --model models/plate_detector.onnx \
        --threshold 0.3 --uz-dir /tmp/uz-scenes

Per frame: scale so the long side is the working size (1024 for big frames; the 416 px
openimages photos run at native size, see decode.working_scale), pad right/bottom to
x32, forward, 3x3 peak NMS, threshold, box decode, map back to the frame. A detection
is a true positive at IoU >= 0.5 with an unmatched ground-truth plate (greedy by score).

Sets: openimages-plates valid and test (real; only the plate class), and optionally a
synthetic Uzbek scene folder from make_uz_scenes.py. The threshold must be chosen on
valid (--choose-on-valid picks the highest threshold keeping valid recall >= target).
"""
import argparse
import json
import os

import cv2
import numpy as np

from training.detector.dataset import load_openimages
from training.detector.decode import average_precision, decode, iou, match, pr_at, prepare, working_scale

THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)


def run_set(net, items, working=1024, min_side=416):
    """-> per-image detections at threshold 0.05 (filtered later) and GT lists."""
    out = []
    for img, gts in items:
        s = working_scale(*img.shape[:2], working=working, min_side=min_side)
        net.setInput(prepare(img, s))
        heads = net.forward()
        out.append((decode(heads, threshold=0.05, scale=s), gts))
    return out


def score(results, iou_thr=0.5):
    scored, n_gt = [], 0
    for dets, gts in results:
        sc, n = match(dets, gts, iou_thr)
        scored += sc
        n_gt += n
    return scored, n_gt


def load_uz(folder):
    items = []
    for line in open(os.path.join(folder, "labels.jsonl")):
        rec = json.loads(line)
        items.append((cv2.imread(os.path.join(folder, rec["image"])), [p["box"] for p in rec["plates"]]))
    return items


def size_bins(results, thr, edges=(0, 16, 32, 64, 1e9)):
    """Recall by ground-truth plate width (frame pixels): small plates are the hard part."""
    hit = np.zeros(len(edges) - 1)
    tot = np.zeros(len(edges) - 1)
    for dets, gts in results:
        matched = set()
        for s, box, _ in sorted((d for d in dets if d[0] >= thr), key=lambda d: -d[0]):
            cand = [(iou(box, g), j) for j, g in enumerate(gts) if j not in matched]
            if cand and max(cand)[0] >= 0.5:
                matched.add(max(cand)[1])
        for j, g in enumerate(gts):
            b = np.searchsorted(edges, g[2], side="right") - 1
            tot[b] += 1
            hit[b] += j in matched
    return {f"{int(edges[i])}-{'inf' if edges[i + 1] > 1e8 else int(edges[i + 1])}px":
            f"{int(hit[i])}/{int(tot[i])}" for i in range(len(tot)) if tot[i]}


def report(name, results, thr):
    scored, n_gt = score(results)
    lines = [f"== {name}: {len(results)} images, {n_gt} plates, AP50 {average_precision(scored, n_gt):.3f}"]
    for t in THRESHOLDS:
        r, p, tp, fp = pr_at(scored, n_gt, t)
        mark = "  <- chosen" if abs(t - thr) < 1e-9 else ""
        lines.append(f"   thr {t:.2f}: recall {r:.3f} ({tp}/{n_gt})  precision {p:.3f} (FP {fp}){mark}")
    if thr not in THRESHOLDS:
        r, p, tp, fp = pr_at(scored, n_gt, thr)
        lines.append(f"   thr {thr:.3f}: recall {r:.3f} ({tp}/{n_gt})  precision {p:.3f} (FP {fp})  <- chosen")
    lines.append(f"   recall by plate width at thr {thr}: {size_bins(results, thr)}")
    return "\n".join(lines)


def choose_threshold(results, target=0.97):
    """On the validation set: the highest threshold whose recall is >= target; when no
    threshold reaches it, the one with the best F2 (recall weighted: the reader and the
    format check reject false plates downstream, a missed plate is lost for good)."""
    scored, n_gt = score(results)
    ok = [t for t in THRESHOLDS if pr_at(scored, n_gt, t)[0] >= target]
    if ok:
        return max(ok)

    def f2(t):
        r, p, _, _ = pr_at(scored, n_gt, t)
        return 5 * p * r / max(1e-9, 4 * p + r)
    return max(THRESHOLDS, key=f2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/plate_detector.onnx")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--choose-on-valid", action="store_true")
    ap.add_argument("--uz-dir", help="folder written by make_uz_scenes.py")
    ap.add_argument("--min-side", type=int, default=416,
                    help="small frames are upscaled to this long side (max 2x); 416 = native")
    ap.add_argument("--dump", help="write per-image detections of each set as JSON here")
    ap.add_argument("--valid-only", action="store_true",
                    help="skip the test set: for choices (scale, threshold, checkpoint)")
    args = ap.parse_args()
    cv2.setNumThreads(1)
    net = cv2.dnn.readNetFromONNX(args.model)
    valid = run_set(net, load_openimages("valid"), min_side=args.min_side)
    thr = args.threshold if args.threshold is not None else 0.3
    if args.choose_on_valid:
        thr = choose_threshold(valid)
    print(f"threshold {thr} ({'chosen on valid' if args.choose_on_valid else 'given'})")
    print(report("openimages valid", valid, thr))
    sets = {"valid": valid}
    if not args.valid_only:
        test = run_set(net, load_openimages("test"), min_side=args.min_side)
        print(report("openimages test", test, thr))
        sets["test"] = test
    if args.uz_dir:
        uz = run_set(net, load_uz(args.uz_dir))
        print(report(f"synthetic UZ ({args.uz_dir})", uz, thr))
        sets["uz"] = uz
    if args.dump:
        with open(args.dump, "w") as f:
            json.dump({k: [[(d[0], d[1]) for d in dets] for dets, _ in v] for k, v in sets.items()}, f)


if __name__ == "__main__":
    main()
