"""Train the plate reader (CNN + CTC) on CPU, or on the GPU machine with --device cuda.

    nohup /usr/bin/python3 -m training.reader.train --out training/runs/reader-a \
        --steps 4000 --real 1 --synth 1 > training/runs/reader-a.log 2>&1 &

With --workers N the batches come from training/reader/live.py (renderer plates and
detector crops rendered live, besides the real crops and any caches).

Checkpoint "best.pt" = best validation exact-match (greedy) on the slice carved from
the TRAIN split (data.is_val_text) plus a synthetic validation cache rendered from
its own seed; the test split is never read here.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

from training.common.schedule import cpu_state, wall_clock_lr

from . import ctc
from .data import real_train
from .model import PlateReader, count_params
from .prepare import prepare, to_blob
from .sources import MixedSampler, weighted_sources


def targets(texts):
    flat = [k for t in texts for k in ctc.encode(t)]
    return (torch.tensor(flat, dtype=torch.long),
            torch.tensor([len(t) for t in texts], dtype=torch.long))


@torch.no_grad()
def accuracy(model, x_u8, texts, bs=256):
    """Greedy exact-match on prepared uint8 inputs."""
    model.eval()
    hits = 0
    device = next(model.parameters()).device
    for i in range(0, len(texts), bs):
        probs = model(torch.from_numpy(to_blob(x_u8[i:i + bs])).to(device)).cpu().numpy()
        hits += sum(ctc.greedy(p)[0] == t for p, t in zip(probs, texts[i:i + bs]))
    model.train()
    return hits / max(1, len(texts))


def val_sets(args):
    """name -> (uint8 inputs, texts): real val slice (clean) and synthetic val caches."""
    sets = {}
    real = real_train("val")
    for src in ("br", "us"):
        items = [(prepare(img, "one-line"), t) for img, t, s in real if s == src]
        if items:
            sets[src] = (np.stack([a for a, _ in items]), [t for _, t in items])
    for path in args.val_cache:
        if os.path.exists(path):
            d = np.load(path)
            sets[os.path.basename(path)[:-4]] = (d["x"], [str(t) for t in d["texts"]])
    return sets


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--wd", type=float, default=1e-4)
    ap.add_argument("--real", type=float, default=1.0, help="weight of real train crops")
    ap.add_argument("--synth", type=float, default=0.0, help="weight of synthetic cache")
    ap.add_argument("--synth-glob", default="training/cache/synth_train_*.npz")
    ap.add_argument("--det", type=float, default=0.0,
                    help="weight of crops cut by the real detector (make_det_cache.py)")
    ap.add_argument("--det-glob", default="training/cache/det_train_*.npz")
    ap.add_argument("--pseudo", type=float, default=0.0, help="weight of EU pseudo-labels")
    ap.add_argument("--pseudo-file", default="training/cache/pseudo_eu.json")
    ap.add_argument("--wrong-mode", type=float, default=0.05)
    ap.add_argument("--val-cache", nargs="*", default=["training/cache/synth_val.npz"])
    ap.add_argument("--val-every", type=int, default=250)
    ap.add_argument("--refresh-every", type=int, default=500,
                    help="steps between looks for new cache files (written while training)")
    ap.add_argument("--init", default=None, help="start from this checkpoint")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu", help="cpu, or cuda on the GPU machine")
    ap.add_argument("--workers", type=int, default=0,
                    help="DataLoader workers rendering batches (live.py); 0 = this process")
    ap.add_argument("--live-synth", type=float, default=0.0,
                    help="weight of renderer plates rendered live (needs --workers)")
    ap.add_argument("--live-det", type=float, default=0.0,
                    help="weight of detector crops cut live from rendered scenes (needs --workers)")
    ap.add_argument("--det-model", default="models/plate_detector.onnx",
                    help="the detector that cuts the live crops (the one the engine will ship)")
    ap.add_argument("--minutes", type=float, default=0.0,
                    help="wall-clock budget: LR warm-up then cosine over the minutes, stop at "
                         "the end or at --steps (for machines whose step rate is unknown)")
    ap.add_argument("--warmup", type=int, default=100, help="warm-up steps with --minutes")
    args = ap.parse_args(argv)
    if (args.live_synth > 0 or args.live_det > 0) and args.workers == 0:
        ap.error("--live-synth/--live-det render in DataLoader workers: give --workers")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    log = open(os.path.join(args.out, "log.jsonl"), "a")

    loader = None
    if args.workers > 0:
        from .live import ReaderStream
        loader = iter(torch.utils.data.DataLoader(ReaderStream(args), batch_size=None,
                                                  num_workers=args.workers,
                                                  pin_memory=args.device != "cpu"))
        sources = {}  # each worker builds its own (live.py): none are loaded here
    else:
        sources = weighted_sources(args)
        sampler = MixedSampler(sources, args.seed)
    synth, det = (sources.get(n, (None,))[0] for n in ("synth", "det"))
    vsets = val_sets(args)
    print("sources", {n: len(getattr(s, "samples", s)) for n, (s, w) in sources.items() if w > 0},
          "val", {k: len(v[1]) for k, v in vsets.items()}, flush=True)

    arch = {"width": (16, 32, 64, 96), "ctx": 128}
    model = PlateReader(**arch)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu")["model"])
    device = torch.device(args.device)
    model.to(device)
    print("params", count_params(model), flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.wd)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps,
                                                pct_start=0.08 if not args.init else 0.02)
    ctc_loss = nn.CTCLoss(blank=0, zero_infinity=True)
    best, t0, run_loss = -1.0, time.time(), 0.0
    model.train()
    last = False
    for step in range(1, args.steps + 1):
        if args.minutes > 0:
            frac = (time.time() - t0) / (args.minutes * 60)
            last = frac >= 1 or step == args.steps
            for g in opt.param_groups:
                g["lr"] = wall_clock_lr(args.lr, step, args.warmup, frac)
        if loader is not None:
            x, texts = next(loader)
            x = x.to(device, non_blocking=True).float().div_(255.0).unsqueeze(1)
        else:
            if (synth is not None or det is not None) and step % args.refresh_every == 0:
                for cache in (synth, det):
                    if cache is not None:
                        cache.refresh()  # picks up cache files written while we train
                sampler = MixedSampler(sources, args.seed + step)
            xb, texts = sampler.batch(args.batch)
            x = torch.from_numpy(to_blob(xb))
        logp = model.logits(x).log_softmax(2)  # N,T,C
        tgt, tlen = targets(texts)
        in_len = torch.full((len(texts),), logp.shape[1], dtype=torch.long)
        loss = ctc_loss(logp.permute(1, 0, 2), tgt.to(device), in_len.to(device), tlen.to(device))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if args.minutes <= 0:
            sched.step()
        run_loss = 0.98 * run_loss + 0.02 * loss.item() if step > 1 else loss.item()
        if step % args.val_every == 0 or step == args.steps or last:
            accs = {k: accuracy(model, v[0], v[1]) for k, v in vsets.items()}
            score = float(np.mean(list(accs.values())))
            rec = {"step": step, "loss": round(run_loss, 4), "lr": opt.param_groups[0]["lr"],
                   "val": {k: round(a, 4) for k, a in accs.items()}, "score": round(score, 4),
                   "min": round((time.time() - t0) / 60, 1),
                   "synth_pool": len(synth) if synth is not None else 0,
                   "det_pool": len(det) if det is not None else 0}
            state = {"model": cpu_state(model), "arch": arch, "step": step, "val": accs, "args": vars(args)}
            torch.save(state, os.path.join(args.out, "last.pt"))
            if score > best:
                best = score
                torch.save(state, os.path.join(args.out, "best.pt"))
                rec["best"] = True
            print(json.dumps(rec), flush=True)
            log.write(json.dumps(rec) + "\n")
            log.flush()
        if last:
            break


if __name__ == "__main__":
    main()
