"""Reader samples rendered while training, for machines with cores to spare (the GPU one).

The CPU runs read pre-rendered caches (make_cache.py, make_det_cache.py) because two
cores cannot render as fast as they train. With 16 cores the same generators run live
in DataLoader workers, so a long run never sees the same synthetic sample twice:
- LiveSynthSource: make_cache.synth_generator (renderer plates, every country, Uzbek
  boosted), prepared in its layout's mode;
- LiveDetCropSource: make_det_cache.DetCropMaker (Uzbek scenes cut at the REAL
  detector's boxes, honest labels), with its jittered crops.
Both show `wrong` of their samples in the other preparation mode with an empty label,
as the caches do (sources.py).

ReaderStream is the IterableDataset: each worker builds its own sources from a seed of
its own (training/common/seeds.py: READER_LIVE) and yields whole batches.
"""
import numpy as np
import torch

from training.common import seeds

from .prepare import prepare
from .sources import MixedSampler, weighted_sources


def _prepared(img, text, lines, rng, wrong):
    right, other = ("two-line", "one-line") if lines == 2 else ("one-line", "two-line")
    if rng.random() < wrong:
        return prepare(img, other), ""
    return prepare(img, right), text


class LiveSynthSource:
    def __init__(self, seed, wrong=0.06):
        from .make_cache import synth_generator
        self.gen, self.rng = synth_generator(seeds.check_training_seed(seed))
        self.wrong = wrong

    def __call__(self, rng):
        while True:
            try:
                img, text, lines, _fmt = self.gen()
                return _prepared(img, text, lines, rng, self.wrong)
            except Exception:  # noqa: BLE001 - skip one renderer failure, as make_cache does
                continue


class LiveDetCropSource:
    def __init__(self, seed, model, jitter=1, wrong=0.06):
        from .make_det_cache import DetCropMaker
        self.maker = DetCropMaker(seeds.check_training_seed(seed), model)
        self.jitter, self.wrong, self.buf = jitter, wrong, []

    def __call__(self, rng):
        while not self.buf:
            self.buf = self.maker.scene_crops(self.jitter)
        crop, text, lines, _jit = self.buf.pop()
        return _prepared(crop, text, lines, rng, self.wrong)


class ReaderStream(torch.utils.data.IterableDataset):
    """Endless batches (uint8 [B,32,128], texts) from weighted sources, one set per worker."""

    def __init__(self, args):
        self.args = args

    def _sources(self, wid):
        a = self.args
        base = seeds.READER_LIVE.start + a.seed * 100 + wid
        out = weighted_sources(a)
        if a.live_synth > 0:
            out["live_synth"] = (LiveSynthSource(base, a.wrong_mode), a.live_synth)
        if a.live_det > 0:
            out["live_det"] = (LiveDetCropSource(base + seeds.READER_LIVE_DET_OFFSET,
                                                 a.det_model, wrong=a.wrong_mode), a.live_det)
        return out

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        wid = info.id if info else 0
        sampler = MixedSampler(self._sources(wid), [self.args.seed, wid])
        while True:
            x, texts = sampler.batch(self.args.batch)
            yield np.ascontiguousarray(x), texts
