"""Exact-match accuracy of an exported reader, run through OpenCV dnn (as the engine).

    /usr/bin/python3 -m training.reader.evaluate models/plate_reader.onnx [--json out.json]

Sets (all held out from training):
- crops-br / crops-us TEST split (training/common/splits.py). crops-br is reported
  by name group: real photos ("br"), rendered "pl_" crops, and the "<n>_TEXT"
  crops whose file-name labels are mostly wrong ("br-noisy", see data.py);
- synthetic Uzbek plates rendered from seed 424242 (never used for training) with
  training.synth.augment.degrade, one-line and two-line formats separately;
- Uzbek plates in rendered street scenes, cut at the REAL detector's boxes as the
  engine cuts them (make_det_cache.held_out_crops, seed 30,900,000, never trained on;
  crops whose box cut off more than half of an edge character are not scored and are
  counted as "dropped_cut").
Per set: greedy and beam decoding in the layout's own mode ("oracle"), and the
engine's rule ("auto": w/h >= 2.6 -> one-line only, else both modes, keep the more
confident non-empty beam candidate; the engine also weighs format fit, not done here).
"""
import argparse
import json
import time
from collections import defaultdict

import cv2
import numpy as np

from . import ctc
from .prepare import modes_for, prepare, to_blob

TEST_SEED = 424242
DET_TEST_SEED = 30_900_000  # training/common/seeds.py DET_CROP_TEST


class Reader:
    def __init__(self, path):
        cv2.setNumThreads(1)
        self.net = cv2.dnn.readNetFromONNX(path)

    def probs(self, prepared):
        out = []
        for i in range(0, len(prepared), 64):
            self.net.setInput(to_blob(prepared[i:i + 64]))
            out.append(self.net.forward())
        return np.concatenate(out)


def read_crops(reader, crops, oracle_modes):
    """-> list of dicts with greedy/beam (oracle mode) and auto (rule) reads."""
    prep = {m: [prepare(c, m) for c in crops] for m in ("one-line", "two-line")}
    probs = {m: reader.probs(prep[m]) for m in prep}
    out = []
    for i, (crop, mode) in enumerate(zip(crops, oracle_modes)):
        p = probs[mode][i]
        g, _ = ctc.greedy(p)
        b, bconf = ctc.beam(p)[0]
        cands = [ctc.best_text(probs[m][i]) + (m,) for m in modes_for(crop)]
        auto = max(cands, key=lambda c: c[1])
        out.append({"greedy": g, "beam": b, "conf": bconf, "auto": auto[0], "auto_mode": auto[2]})
    return out


def score(rows, texts):
    n = len(texts)
    return {"n": n, **{k: round(sum(r[k] == t for r, t in zip(rows, texts)) / max(1, n), 4)
                       for k in ("greedy", "beam", "auto")}}


def synth_uz_cached(n_one, n_two, seed=TEST_SEED):
    """synth_uz(), rendered once into training/cache/ (git-ignored) and reused."""
    import os
    import pickle
    path = f"training/cache/uz_test_{seed}_{n_one}_{n_two}.pkl"
    if os.path.exists(path):
        with open(path, "rb") as f:
            return pickle.load(f)
    sets = synth_uz(n_one, n_two, seed)
    with open(path + ".tmp", "wb") as f:
        pickle.dump(sets, f)
    os.replace(path + ".tmp", path)
    return sets


def synth_uz(n_one, n_two, seed=TEST_SEED):
    """Held-out synthetic Uzbek crops: (one-line, two-line) lists of (degraded bgr,
    text, format id, clean bgr). "clean" = the renderer's image without degrade."""
    from training.synth.augment import degrade
    from training.synth.plates import PlateSampler
    from .make_cache import uz_formats
    sampler, rng = PlateSampler(seed), np.random.default_rng(seed)
    ids, p = uz_formats(flatten=0.5)
    one, two = [], []
    while len(one) < n_one or len(two) < n_two:
        fmt = ids[rng.choice(len(ids), p=p)]
        plate = sampler.sample(country="uz", format_id=fmt)
        bucket = two if plate.lines == 2 else one
        want = n_two if plate.lines == 2 else n_one
        if len(bucket) < want:
            bucket.append((degrade(plate.image, rng), plate.text, plate.format_id, plate.image))
        elif plate.lines == 1 and len(two) < n_two:
            # Top up two-line plates directly once one-line ones are done.
            p2 = sampler.sample(country="uz", format_id="uz-moto")
            two.append((degrade(p2.image, rng), p2.text, p2.format_id, p2.image))
    return one, two


def det_crops_cached(scenes, seed=DET_TEST_SEED):
    """make_det_cache.held_out_crops(), rendered once into training/cache/ and reused."""
    import os
    import pickle
    path = f"training/cache/uz_detcrops_{seed}_{scenes}.pkl"
    if os.path.exists(path):
        with open(path, "rb") as f:
            return pickle.load(f)
    from .make_det_cache import held_out_crops
    data = held_out_crops(seed, scenes)
    with open(path + ".tmp", "wb") as f:
        pickle.dump(data, f)
    os.replace(path + ".tmp", path)
    return data


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--synth-one", type=int, default=800)
    ap.add_argument("--synth-two", type=int, default=300)
    ap.add_argument("--det-scenes", type=int, default=300,
                    help="rendered scenes for the detector-crop set (0 = skip it)")
    ap.add_argument("--json", default=None)
    ap.add_argument("--errors", type=int, default=0, help="print this many errors per set")
    args = ap.parse_args(argv)
    reader = Reader(args.model)
    t0 = time.time()
    results = {}

    from .data import real_test
    groups = defaultdict(list)
    for img, text, src in real_test():
        groups[src].append((img, text))
    groups["br-all"] = groups["br"] + groups["br-pl"] + groups["br-noisy"]
    groups["br-clean"] = groups["br"] + groups["br-pl"]
    sets = dict(groups)
    if args.synth_one or args.synth_two:
        one, two = synth_uz_cached(args.synth_one, args.synth_two)
        sets["uz-synth-1line"] = [(a, b) for a, b, _, _ in one]
        sets["uz-synth-2line"] = [(a, b) for a, b, _, _ in two]
        sets["uz-clean-1line"] = [(c, b) for _, b, _, c in one]
        sets["uz-clean-2line"] = [(c, b) for _, b, _, c in two]
    if args.det_scenes:
        crops, stats = det_crops_cached(args.det_scenes)
        results["uz-detcrop-counts"] = stats
        print("uz-detcrop counts", json.dumps(stats), flush=True)
        sets["uz-detcrop-1line"] = [(c, t) for c, t, nl in crops if nl == 1]
        sets["uz-detcrop-2line"] = [(c, t) for c, t, nl in crops if nl == 2]
    for name in sorted(sets):
        crops = [c for c, _ in sets[name]]
        texts = [t for _, t in sets[name]]
        modes = ["two-line" if name.endswith("2line") else "one-line"] * len(crops)
        rows = read_crops(reader, crops, modes)
        results[name] = score(rows, texts)
        print(name, json.dumps(results[name]), flush=True)
        bad = [(t, r["beam"], r["auto"], round(r["conf"], 3)) for r, t in zip(rows, texts) if r["auto"] != t]
        if args.errors and bad:
            print("   errors (truth, beam, auto, conf):", bad[:args.errors])
    print(f"evaluated in {time.time() - t0:.0f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
