"""Alphabet, label encoding and CTC decoding (greedy and prefix beam search)."""
import math
from collections import defaultdict

import numpy as np

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # class i+1; class 0 is the blank
NUM_CLASSES = len(ALPHABET) + 1
_INDEX = {c: i + 1 for i, c in enumerate(ALPHABET)}


def encode(text):
    return [_INDEX[c] for c in text]


def greedy(probs):
    """probs [T, C] -> (text, confidence = product of the per-step max probabilities)."""
    best = probs.argmax(1)
    out, prev = [], 0
    for k in best:
        if k != 0 and k != prev:
            out.append(ALPHABET[k - 1])
        prev = k
    conf = float(np.prod(probs[np.arange(len(best)), best]))
    return "".join(out), conf


def beam(probs, width=8, top=5):
    """CTC prefix beam search. Returns [(text, probability)] best first.

    Works in plain probabilities (T=32 steps is short enough not to underflow
    noticeably for confident candidates; tiny ones only lose rank).
    """
    beams = {(): (1.0, 0.0)}  # prefix -> (p ending in blank, p ending in non-blank)
    for t in range(probs.shape[0]):
        p = probs[t]
        # Prune classes that cannot matter to keep this cheap.
        cands = np.where(p > 1e-4)[0]
        nxt = defaultdict(lambda: [0.0, 0.0])
        for prefix, (pb, pnb) in beams.items():
            for k in cands:
                pk = float(p[k])
                if k == 0:
                    nxt[prefix][0] += (pb + pnb) * pk
                    continue
                new = prefix + (k,)
                if prefix and prefix[-1] == k:
                    nxt[new][1] += pb * pk        # repeat needs a blank between
                    nxt[prefix][1] += pnb * pk    # collapse into the same char
                else:
                    nxt[new][1] += (pb + pnb) * pk
        beams = dict(sorted(nxt.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[:width])
    ranked = sorted(beams.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[:top]
    return [("".join(ALPHABET[k - 1] for k in pre), pb + pnb) for pre, (pb, pnb) in ranked]


def best_text(probs, width=8):
    """Best NON-empty beam candidate (text, probability); ("", 0) if none.

    The wrong preparation mode is trained to read as "" (see sources.py), so an
    empty read means "no plate in this mode", never a candidate to keep.
    """
    for text, p in beam(probs, width=width, top=width):
        if text:
            return text, p
    return "", 0.0
