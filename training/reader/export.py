"""Export a checkpoint to ONNX for OpenCV 4.6 dnn and verify it against PyTorch.

    /usr/bin/python3 -m training.reader.export --ckpt training/runs/X/best.pt \
        --out models/plate_reader.onnx

opset 11, input `crop` [N,1,32,128], output `probs` [N,32,37]. torch 1.13 turns
shared initializers into Identity nodes, which OpenCV 4.6 rejects: they are
rewritten as plain initializers. Verification: cv2.dnn vs torch, batch 1 and 4,
max abs diff < 1e-4, else the export fails.
"""
import argparse
import io
import sys

import cv2
import numpy as np
import onnx
import torch

from training.common.onnx_for_opencv import fold_identity_initializers

from .model import PlateReader


def load_model(ckpt):
    state = torch.load(ckpt, map_location="cpu")
    model = PlateReader(**state.get("arch", {}))
    model.load_state_dict(state["model"])
    return model.eval()


def to_onnx_bytes(model):
    buf = io.BytesIO()
    dummy = torch.zeros(1, 1, 32, 128)
    torch.onnx.export(model, dummy, buf, opset_version=11, input_names=["crop"],
                      output_names=["probs"], dynamic_axes={"crop": {0: "N"}, "probs": {0: "N"}},
                      do_constant_folding=True)
    proto = fold_identity_initializers(onnx.load_from_string(buf.getvalue()))
    onnx.checker.check_model(proto)
    return proto.SerializeToString()


def verify(model, data, seed=0):
    """Max abs diff between cv2.dnn and torch for batch 1 and 4 (random + ramp inputs)."""
    net = cv2.dnn.readNetFromONNX(np.frombuffer(data, np.uint8))
    rng = np.random.default_rng(seed)
    worst = 0.0
    for n in (1, 4):
        x = rng.random((n, 1, 32, 128), dtype=np.float32)
        net.setInput(x)
        got = net.forward()
        with torch.no_grad():
            ref = model(torch.from_numpy(x)).numpy()
        if got.shape != ref.shape:
            raise SystemExit(f"shape mismatch: cv2 {got.shape} vs torch {ref.shape}")
        worst = max(worst, float(np.abs(got - ref).max()))
    return worst


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", default="models/plate_reader.onnx")
    args = ap.parse_args(argv)
    model = load_model(args.ckpt)
    data = to_onnx_bytes(model)
    diff = verify(model, data)
    print(f"cv2.dnn vs torch max abs diff (batch 1 and 4): {diff:.2e}")
    if diff >= 1e-4:
        sys.exit("verification failed: not writing the model")
    with open(args.out, "wb") as f:
        f.write(data)
    print(f"wrote {args.out} ({len(data) / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
