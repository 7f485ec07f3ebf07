"""Sample sources for training: each yields (uint8 [32,128] prepared input, text).

- RealSource: real train-split crops, degraded on the fly, one-line mode.
- CacheSource: pre-rendered synthetic inputs (training/cache/*.npz, make_cache.py),
  so the renderer does not starve the trainer on this 2-core machine.
- PseudoSource: EU crops with confident pseudo-labels (pseudo_label.py).
A small share of every source is shown in the WRONG preparation mode with an empty
label, so that the engine's "read both modes, keep the more confident" rule sees a
confident empty read (which fits no format) for the wrong mode.
"""
import glob
import os

import numpy as np

from .augment import degrade_crop
from .prepare import prepare

try:  # the renderer's camera model, when it exists; else ours only
    from training.synth.augment import degrade as synth_degrade
except Exception:  # noqa: BLE001 - optional dependency, absent early on
    synth_degrade = None


def _degrade(img, rng):
    if synth_degrade is not None and rng.random() < 0.5:
        try:
            return synth_degrade(img, rng)
        except Exception:  # noqa: BLE001 - a renderer bug must not kill training
            pass
    return degrade_crop(img, rng)


class RealSource:
    def __init__(self, samples, wrong_mode=0.05):
        self.samples = samples  # [(bgr, text, ...)] one-line plates
        self.wrong_mode = wrong_mode

    def __call__(self, rng):
        img, text = self.samples[rng.integers(len(self.samples))][:2]
        img = _degrade(img, rng)
        if rng.random() < self.wrong_mode:
            return prepare(img, "two-line"), ""
        return prepare(img, "one-line"), text


class CacheSource:
    """Samples from training/cache/<prefix>*.npz (x uint8 [n,32,128], texts)."""

    def __init__(self, pattern):
        self.pattern = pattern
        self.files = []
        self.x = np.zeros((0, 32, 128), np.uint8)
        self.texts = []
        self.refresh()

    def refresh(self):
        files = sorted(glob.glob(self.pattern))
        new = [f for f in files if f not in self.files]
        xs, ts = [self.x], list(self.texts)
        for f in new:
            try:
                d = np.load(f)
                xs.append(d["x"])
                ts.extend(str(t) for t in d["texts"])
                self.files.append(f)
            except Exception:  # noqa: BLE001 - a file still being written
                continue
        self.x = np.concatenate(xs)
        self.texts = ts
        return len(self.texts)

    def __len__(self):
        return len(self.texts)

    def __call__(self, rng):
        i = rng.integers(len(self.texts))
        x = self.x[i]
        # Cheap extra variety on cached inputs: contrast/brightness and noise.
        if rng.random() < 0.5:
            f = x.astype(np.float32) * rng.uniform(0.7, 1.2) + rng.uniform(-25, 25)
            f += rng.normal(0, rng.uniform(0, 6), f.shape)
            x = np.clip(f, 0, 255).astype(np.uint8)
        return x, self.texts[i]


def weighted_sources(args):
    """name -> (source, weight) for the real crops, the caches and the pseudo-labels that
    args weigh above zero (train.py's flags); the real crops are always there."""
    from .data import real_train
    out = {"real": (RealSource(real_train("train"), args.wrong_mode), args.real)}
    if args.synth > 0:
        out["synth"] = (CacheSource(args.synth_glob), args.synth)
    if args.det > 0:
        out["det"] = (CacheSource(args.det_glob), args.det)
    if args.pseudo > 0:
        from .pseudo_label import load_pseudo
        out["pseudo"] = (RealSource(load_pseudo(args.pseudo_file), args.wrong_mode), args.pseudo)
    return out


class MixedSampler:
    """Draws each sample from a source chosen by weight."""

    def __init__(self, sources, seed):
        self.names = [n for n, (s, w) in sources.items() if w > 0 and len_ok(s)]
        self.sources = [sources[n][0] for n in self.names]
        w = np.array([sources[n][1] for n in self.names], np.float64)
        self.p = w / w.sum()
        self.rng = np.random.default_rng(seed)

    def batch(self, n):
        xs, texts = [], []
        for k in self.rng.choice(len(self.sources), size=n, p=self.p):
            x, t = self.sources[k](self.rng)
            xs.append(x)
            texts.append(t)
        return np.stack(xs), texts


def len_ok(s):
    try:
        return len(s) > 0
    except TypeError:
        return True
