"""Speed of the reader in OpenCV dnn on ONE thread (the engine's per-crop cost).

    /usr/bin/python3 -m training.reader.bench [models/plate_reader.onnx]
"""
import sys

import cv2
import numpy as np

from training.common.opencv_timing import forward_times_ms


def bench(path_or_bytes, n=300, batch=1):
    cv2.setNumThreads(1)
    if isinstance(path_or_bytes, (bytes, bytearray)):
        net = cv2.dnn.readNetFromONNX(np.frombuffer(path_or_bytes, np.uint8))
    else:
        net = cv2.dnn.readNetFromONNX(path_or_bytes)
    x = np.random.default_rng(0).random((batch, 1, 32, 128), dtype=np.float32)
    times = forward_times_ms(net, x, n, warmup=20) / batch
    return float(np.median(times)), float(np.percentile(times, 90))


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "models/plate_reader.onnx"
    med, p90 = bench(path)
    print(f"{path}: cv2.dnn 1 thread, batch 1: median {med:.2f} ms, p90 {p90:.2f} ms per crop")
