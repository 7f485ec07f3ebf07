"""Export a detector checkpoint to ONNX that OpenCV 4.6 dnn reads, and verify it.

    /usr/bin/python3 -m training.detector.export --ckpt training/runs/det/best.pt \
        --out models/plate_detector.onnx

Opset 11, input `image`, output `heads`, dynamic H/W. BatchNorm is folded by the
exporter in eval mode. torch 1.13 inserts Identity nodes on de-duplicated initializers,
which OpenCV 4.6 rejects, so they are rewritten as initializers (shared/notes.md).
The result is checked against PyTorch through cv2.dnn on two input sizes and timed on
one thread at 1024x576 (the engine's default working size).
"""
import argparse

import cv2
import numpy as np
import onnx
import torch

from training.common.onnx_for_opencv import fold_identity_initializers
from training.common.opencv_timing import forward_times_ms
from training.detector.model import PlateDetector, count_macs


def load_model(ckpt):
    state = torch.load(ckpt, map_location="cpu")
    model = PlateDetector(**state.get("arch", {}))
    model.load_state_dict(state["model"])
    return model.eval()


def strip_identities(path):
    """Folds Identity(initializer) nodes in the file at `path`; returns the ops left."""
    m = fold_identity_initializers(onnx.load(path))
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return sorted({n.op_type for n in m.graph.node})


def export(model, out):
    dummy = torch.zeros(1, 3, 576, 1024)
    torch.onnx.export(model, dummy, out, opset_version=11, input_names=["image"],
                      output_names=["heads"], do_constant_folding=True,
                      dynamic_axes={"image": {2: "h", 3: "w"}, "heads": {2: "h4", 3: "w4"}})
    return strip_identities(out)


def verify(model, path, sizes=((576, 1024), (416, 416))):
    net = cv2.dnn.readNetFromONNX(path)
    rng = np.random.default_rng(0)
    diffs = []
    for h, w in sizes:
        x = rng.random((1, 3, h, w), dtype=np.float32)
        with torch.no_grad():
            ref = model(torch.from_numpy(x)).numpy()
        net.setInput(x)
        got = net.forward()
        assert got.shape == ref.shape, (got.shape, ref.shape)
        diffs.append(float(np.abs(got - ref).max()))
    return diffs


def time_cv(path, h=576, w=1024, runs=30, threads=1):
    cv2.setNumThreads(threads)
    net = cv2.dnn.readNetFromONNX(path)
    x = np.random.default_rng(1).random((1, 3, h, w), dtype=np.float32)
    ts = forward_times_ms(net, x, runs, warmup=3)
    return float(np.median(ts)), float(np.min(ts))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", help="checkpoint from train.py (omit: random init, for timing)")
    ap.add_argument("--out", default="models/plate_detector.onnx")
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = load_model(args.ckpt) if args.ckpt else PlateDetector().eval()
    ops = export(model, args.out)
    diffs = verify(model, args.out)
    med, best = time_cv(args.out)
    print(f"ops: {' '.join(ops)}")
    print(f"GMAC@1024x576: {count_macs(model) / 1e9:.3f}")
    print(f"max|opencv - torch|: 1024x576 {diffs[0]:.2e}, 416x416 {diffs[1]:.2e}")
    print(f"cv2.dnn 1 thread 1024x576: median {med:.2f} ms, min {best:.2f} ms")
    if max(diffs) >= 1e-4:
        raise SystemExit("OpenCV output differs from PyTorch")


if __name__ == "__main__":
    main()
