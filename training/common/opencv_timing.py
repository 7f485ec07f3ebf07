"""Timing of a network in OpenCV's dnn, the runtime the C++ engine uses."""
import time

import numpy as np


def forward_times_ms(net, x, runs, warmup):
    """Milliseconds of each of `runs` forward passes of `x`, after `warmup` untimed ones
    (first passes allocate and are not representative)."""
    for _ in range(warmup):
        net.setInput(x)
        net.forward()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        net.setInput(x)
        net.forward()
        times.append(time.perf_counter() - t)
    return np.array(times) * 1000
