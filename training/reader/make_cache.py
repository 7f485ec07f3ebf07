"""Pre-render synthetic reader inputs into training/cache/ (git-ignored).

    nice /usr/bin/python3 -m training.reader.make_cache --kind synth --seed 1001 \
        --n 20000 --out training/cache/synth_train_1001.npz

kind "synth": training.synth.plates.PlateSampler (all countries, Uzbek heavily) +
training.synth.augment.degrade; kind "chars": plates composed from real character
crops (compose.py) + our degrade_crop. Each sample is already prepared (uint8
32x128) in the mode its layout needs; a share `--wrong` is prepared in the other
mode with an empty label (see sources.py). Seeds: training caches use 1000+,
validation 777, evaluate.py's held-out synthetic test 424242 (never trained on).
"""
import argparse
import os
import time

import numpy as np

from .augment import degrade_crop
from .prepare import prepare

# Country mix for the renderer: Uzbek is the product's market.
COUNTRY_P = {"uz": 0.6, "eu": 0.15, "us": 0.1, "br": 0.15}


def uz_formats(flatten=1.0):
    """Uzbek format ids and their priors ** flatten (0.5 = boost the rare ones)."""
    import json
    from pathlib import Path
    spec = json.loads((Path(__file__).resolve().parents[2] / "plate-formats" / "uz.json").read_text())
    ids = [f["id"] for f in spec["formats"]]
    p = np.array([f.get("prior", 0.01) for f in spec["formats"]]) ** flatten
    return ids, p / p.sum()


def synth_generator(seed, countries=None):
    from training.synth.plates import PlateSampler
    try:
        from training.synth.augment import degrade
    except Exception:  # noqa: BLE001
        degrade = None
    sampler = PlateSampler(seed)
    rng = np.random.default_rng(seed + 7)
    names = list(countries or COUNTRY_P)
    p = np.array([COUNTRY_P.get(c, 1.0) for c in names])
    p /= p.sum()

    uz_ids, uz_p = uz_formats(flatten=0.5)

    def gen():
        cc = names[rng.choice(len(names), p=p)]
        # Uzbek: every format, rare ones (moto two-line, vanity, diplomatic) boosted.
        fmt = uz_ids[rng.choice(len(uz_ids), p=uz_p)] if cc == "uz" else None
        plate = sampler.sample(country=cc, format_id=fmt)
        img = plate.image
        if degrade is not None and rng.random() < 0.7:
            img = degrade(img, rng)
        else:
            img = degrade_crop(img, rng)
        return img, plate.text, plate.lines, f"{plate.country}:{plate.format_id}"
    return gen, rng


def chars_generator(seed):
    from .compose import compose, load_glyphs, load_templates, sample_text
    glyphs, tpls = load_glyphs(), load_templates()
    w = np.array([t[4] for t in tpls])
    rng = np.random.default_rng(seed)

    def gen():
        tpl = tpls[rng.choice(len(tpls), p=w)]
        text = sample_text(tpl, rng)
        img = degrade_crop(compose(text, tpl[3], glyphs, rng), rng)
        return img, text, tpl[3], f"{tpl[0]}:{tpl[1]}"
    return gen, rng


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=("synth", "chars"), required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--wrong", type=float, default=0.06)
    ap.add_argument("--countries", nargs="*", default=None)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    gen, rng = (synth_generator(args.seed, args.countries) if args.kind == "synth"
                else chars_generator(args.seed))
    xs, texts, lines, fmts = [], [], [], []
    t0 = time.time()
    while len(xs) < args.n:
        try:
            img, text, nl, fmt = gen()
        except Exception as e:  # noqa: BLE001 - skip a renderer failure, keep going
            print("skip:", repr(e)[:200], flush=True)
            continue
        right = "two-line" if nl == 2 else "one-line"
        if rng.random() < args.wrong:
            xs.append(prepare(img, "one-line" if nl == 2 else "two-line"))
            texts.append("")
        else:
            xs.append(prepare(img, right))
            texts.append(text)
        lines.append(nl)
        fmts.append(fmt)
        if len(xs) % 2000 == 0:
            print(f"{len(xs)} samples, {time.time() - t0:.0f} s", flush=True)
    tmp = args.out + ".tmp.npz"
    np.savez_compressed(tmp, x=np.stack(xs), texts=np.array(texts), lines=np.array(lines),
                        fmts=np.array(fmts))
    os.replace(tmp, args.out)  # atomic: the trainer never sees a half-written file
    print(f"wrote {args.out}: {len(xs)} in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
