"""Train the plate detector on CPU (CenterNet-style losses, AdamW, time-based cosine LR).

    nohup /usr/bin/python3 -m training.detector.train --out training/runs/det1 \
        --minutes 40 > training/runs/det1.log 2>&1 &

On the GPU machine (device tool), the same script with `--device cuda --workers 12
--batch 64` and the data packed by training/device_pack.py (SAFELANE_DATA=.gpu/data).

The learning rate follows a cosine over a wall-clock budget (--minutes), because on a
shared 2-core machine the step rate is unpredictable and the deadline is what is fixed.
Model selection: AP50 on `openimages-plates/valid` (real, 16 plates: noisy) averaged
with AP50 on a fixed synthetic validation set; best.pt keeps the best. Never reads test.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from training.detector.dataset import DetectorStream, load_openimages, make_targets
from training.detector.decode import average_precision, decode, match, prepare, working_scale
from training.common.schedule import cpu_state, wall_clock_lr
from training.detector.model import PlateDetector
from training.synth.scene import SceneComposer


def focal_loss(pred, gt, ignore):
    """CenterNet focal loss on the Gaussian heatmap (pred already sigmoided)."""
    pred = pred.clamp(1e-4, 1 - 1e-4)
    pos = gt.eq(1).float()
    neg = (1 - pos) * (1 - ignore)
    pos_loss = torch.log(pred) * (1 - pred) ** 2 * pos
    neg_loss = torch.log(1 - pred) * pred ** 2 * (1 - gt) ** 4 * neg
    n = pos.sum().clamp(min=1)
    return -(pos_loss.sum() + neg_loss.sum()) / n


def losses(out, hm, reg, reg_w, ign):
    l_hm = focal_loss(out[:, :1], hm, ign)
    n = reg_w[:, :1].sum().clamp(min=1)
    l1 = F.l1_loss(out[:, 1:], reg, reduction="none")
    l_off = (l1[:, 0:2] * reg_w[:, :1]).sum() / n
    l_size = (l1[:, 2:4] * reg_w[:, :1]).sum() / n
    l_corner = (l1[:, 4:12] * reg_w[:, 1:2]).sum() / n / 4
    return l_hm, l_off, l_size, l_corner


class Validator:
    """AP50 on openimages valid (as the engine runs it) and on fixed synthetic scenes."""

    def __init__(self, n_synth=80, min_side=416):
        self.oi = load_openimages("valid")
        self.min_side = min_side  # small-frame enlargement, as the engine's small_frame_size
        rng = np.random.default_rng(424242)  # fixed: same scenes every validation
        comp = SceneComposer(seed=424242)
        self.synth = []
        for _ in range(n_synth):
            img, plates = comp.scene(rng, 576, 1024, n_range=(1, 5))
            self.synth.append((img, [p["box"] for p in plates]))

    @torch.no_grad()
    def ap(self, model, items, min_side=416):
        scored, n_gt = [], 0
        device = next(model.parameters()).device
        for img, gts in items:
            s = working_scale(*img.shape[:2], min_side=min_side)
            heads = model(torch.from_numpy(prepare(img, s)).to(device)).cpu().numpy()
            sc, n = match(decode(heads, threshold=0.05, scale=s), gts)
            scored += sc
            n_gt += n
        return average_precision(scored, n_gt)

    def __call__(self, model):
        model.eval()
        r = {"oi_valid_ap50": self.ap(model, self.oi), "synth_ap50": self.ap(model, self.synth)}
        key = "oi_valid_ap50"
        if self.min_side != 416:
            key = f"oi_valid_ap50_{self.min_side}"
            r[key] = self.ap(model, self.oi, self.min_side)
        model.train()
        r["score"] = 0.5 * (r[key] + r["synth_ap50"])
        return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=40)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--size", type=int, default=384)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--init", help="checkpoint to start from (fine-tuning)")
    ap.add_argument("--warmup", type=int, default=200, help="linear LR warm-up steps")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--device", default="cpu", help="cpu, or cuda on the GPU machine (same code)")
    ap.add_argument("--val-every", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--real-frac", type=float, default=0.45)
    ap.add_argument("--no-synth", action="store_true", help="real crops only, no renderer")
    ap.add_argument("--small-boost", type=float, default=1.0,
                    help="draw real photos with a plate under 40 px wide this many times as often")
    ap.add_argument("--max-zoom", type=float, default=2.0, help="largest real-photo zoom-in")
    ap.add_argument("--val-min-side", type=int, default=416,
                    help="small-frame size for the openimages-valid score (engine small_frame_size)")
    ap.add_argument("--keep-every-val", action="store_true",
                    help="also keep step<N>.pt at every validation, to choose later on valid")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)

    model = PlateDetector()
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu")["model"])
    device = torch.device(args.device)
    model.to(device)
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 1e-3},
                             {"params": no_decay, "weight_decay": 0}], lr=args.lr)
    stream = DetectorStream(args.seed, args.size, args.real_frac, use_synth=not args.no_synth,
                            small_boost=args.small_boost, max_zoom=args.max_zoom)
    loader = torch.utils.data.DataLoader(stream, batch_size=args.batch, num_workers=args.workers,
                                         pin_memory=device.type == "cuda",
                                         persistent_workers=args.workers > 0)
    validator = Validator(min_side=args.val_min_side)
    log = open(os.path.join(args.out, "log.jsonl"), "a")
    t0 = time.time()
    budget = args.minutes * 60
    best = -1.0
    step = 0
    run = np.zeros(4)
    for batch in loader:
        x, hm, reg, reg_w, ign = (t.to(device, non_blocking=True) for t in batch)
        frac = (time.time() - t0) / budget
        if frac >= 1:
            break
        lr = wall_clock_lr(args.lr, step + 1, args.warmup, frac)
        for g in opt.param_groups:
            g["lr"] = lr
        out = model(x)
        parts = losses(out, hm, reg, reg_w, ign)
        # Size errors cost IoU most directly (small plates at IoU 0.5): weight 1.
        loss = parts[0] + parts[1] + parts[2] + 0.5 * parts[3]
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        run = 0.98 * run + 0.02 * np.array([p.item() for p in parts]) if step else np.array([p.item() for p in parts])
        step += 1
        if step % 50 == 0:
            print(f"step {step} t {time.time() - t0:.0f}s lr {lr:.2e} hm {run[0]:.3f} off {run[1]:.3f} "
                  f"size {run[2]:.3f} corner {run[3]:.3f}", flush=True)
        if step % args.val_every == 0:
            r = validator(model)
            r.update(step=step, t=round(time.time() - t0), lr=lr)
            log.write(json.dumps(r) + "\n")
            log.flush()
            print("VAL", r, flush=True)
            state = {"model": cpu_state(model), "step": step, "val": r, "args": vars(args)}
            torch.save(state, os.path.join(args.out, "last.pt"))
            if args.keep_every_val:
                torch.save(state, os.path.join(args.out, f"step{step}.pt"))
            if r["score"] > best:
                best = r["score"]
                torch.save(state, os.path.join(args.out, "best.pt"))
    r = validator(model)
    r.update(step=step, t=round(time.time() - t0), final=True)
    log.write(json.dumps(r) + "\n")
    print("VAL final", r, flush=True)
    state = {"model": cpu_state(model), "step": step, "val": r, "args": vars(args)}
    torch.save(state, os.path.join(args.out, "last.pt"))
    if r["score"] > best:
        torch.save(state, os.path.join(args.out, "best.pt"))


if __name__ == "__main__":
    main()
