"""What both trainers share when they run against a wall clock or on another device."""
import math


def wall_clock_lr(peak, step, warmup, frac):
    """Linear warm-up over `warmup` steps, then a cosine from `peak` down to 2 % of it as the
    spent share `frac` of the time budget goes from 0 to 1: on a shared machine the step
    rate is unpredictable and the deadline is what is fixed."""
    warm = min(1.0, step / max(1, warmup))
    return peak * warm * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac))))


def cpu_state(model):
    """A state dict of CPU tensors, so export and CPU fine-tuning load any checkpoint as is."""
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}
