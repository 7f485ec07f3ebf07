"""Training samples for the plate detector: synthetic scenes + augmented real scenes.

Real scenes: `scenes/openimages-plates/train` (YOLO labels, class 0 = plate) and
`scenes/kaggle-car-plates-433` (VOC boxes). Their corners are only the box corners, so
the corner loss is down-weighted for them. `openimages-plates/valid` is read only by
`load_openimages("valid")` for model selection; `test` only by evaluate.py.

Targets follow docs/model-contracts.md section 2 at stride 4: a Gaussian heatmap with
an exact 1 at each plate's centre cell, and at that cell (and its neighbours inside the
box) the offset, log size and the corners relative to the centre (units of 4 px).
"""
import glob
import os
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import torch

from training.common.splits import data_dir
from training.synth.scene import SceneComposer, camera

STRIDE = 4
REAL_CORNER_WEIGHT = 0.2  # box corners are only a crude stand-in for the plate's corners
SMALL_PLATE_PX = 40  # native plate width under which a real photo counts as small-plate


def box_corners(x, y, w, h):
    return np.float32([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])


def load_openimages(split, data=None):
    """[(BGR image, [[x, y, w, h], ...])] of one openimages-plates split (plates only)."""
    root = os.path.join(data or data_dir(), "scenes/openimages-plates", split)
    out = []
    for ip in sorted(glob.glob(os.path.join(root, "images/*"))):
        img = cv2.imread(ip)
        H, W = img.shape[:2]
        lp = os.path.join(root, "labels", os.path.splitext(os.path.basename(ip))[0] + ".txt")
        boxes = []
        if os.path.exists(lp):
            for line in open(lp):
                v = line.split()
                if len(v) == 5 and v[0] == "0":
                    cx, cy, w, h = (float(t) for t in v[1:])
                    boxes.append([(cx - w / 2) * W, (cy - h / 2) * H, w * W, h * H])
        out.append((img, boxes))
    return out


def load_kaggle(data=None):
    root = os.path.join(data or data_dir(), "scenes/kaggle-car-plates-433")
    out = []
    for xp in sorted(glob.glob(os.path.join(root, "annotations/*.xml"))):
        tree = ET.parse(xp).getroot()
        img = cv2.imread(os.path.join(root, "images", tree.findtext("filename")))
        if img is None:
            continue
        boxes = []
        for ob in tree.iter("object"):
            bb = ob.find("bndbox")
            x0, y0, x1, y1 = (float(bb.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
            boxes.append([x0, y0, x1 - x0, y1 - y0])
        out.append((img, boxes))
    return out


def augment_real(rng, img, boxes, size, max_zoom=2.0):
    """Random scale, crop/pad to size x size, flip, colour. -> (img, plates, ignore boxes)."""
    H, W = img.shape[:2]
    # Around native scale, with zoom-out for small plates and zoom-in up to max_zoom (the
    # engine enlarges small frames such as the ~416 px photos, up to 2x).
    s = float(np.exp(rng.uniform(np.log(0.5), np.log(max_zoom)))) * min(1.0, 512 / max(H, W))
    im = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    h, w = im.shape[:2]
    canvas = np.zeros((size, size, 3), np.uint8)
    # Place a random window of the image onto the canvas (pad when smaller).
    ox = rng.integers(min(0, size - w), max(0, size - w) + 1)
    oy = rng.integers(min(0, size - h), max(0, size - h) + 1)
    sx0, sy0 = max(0, -ox), max(0, -oy)
    dx0, dy0 = max(0, ox), max(0, oy)
    cw, ch = min(w - sx0, size - dx0), min(h - sy0, size - dy0)
    canvas[dy0:dy0 + ch, dx0:dx0 + cw] = im[sy0:sy0 + ch, sx0:sx0 + cw]
    flip = rng.random() < 0.5
    if flip:
        canvas = canvas[:, ::-1].copy()
    plates, ignore = [], []
    for bx, by, bw, bh in boxes:
        x0, y0 = bx * s + ox, by * s + oy
        x1, y1 = x0 + bw * s, y0 + bh * s
        if flip:
            x0, x1 = size - x1, size - x0
        cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x1, size), min(y1, size)
        if cx1 <= cx0 or cy1 <= cy0:
            continue
        vis = (cx1 - cx0) * (cy1 - cy0) / max(1e-6, (x1 - x0) * (y1 - y0))
        if vis > 0.6 and bw * s >= 3:
            b = [cx0, cy0, cx1 - cx0, cy1 - cy0]
            plates.append({"corners": box_corners(*b), "box": b, "corner_w": REAL_CORNER_WEIGHT})
        else:  # mostly cut off: neither a positive nor a negative
            ignore.append([cx0, cy0, cx1 - cx0, cy1 - cy0])
    return camera(canvas, rng, strength=0.5), plates, ignore


def gaussian_2d(hm, cx, cy, sx, sy):
    """hm = max(hm, exp(-dx^2/2sx^2 - dy^2/2sy^2)) in a 3-sigma window (output cells)."""
    S_h, S_w = hm.shape
    x0, x1 = max(0, int(cx - 3 * sx)), min(S_w, int(cx + 3 * sx) + 2)
    y0, y1 = max(0, int(cy - 3 * sy)), min(S_h, int(cy + 3 * sy) + 2)
    if x1 <= x0 or y1 <= y0:
        return
    xs = np.arange(x0, x1, dtype=np.float32) + 0.5 - cx
    ys = np.arange(y0, y1, dtype=np.float32) + 0.5 - cy
    g = np.exp(-(xs[None, :] ** 2) / (2 * sx * sx) - (ys[:, None] ** 2) / (2 * sy * sy))
    np.maximum(hm[y0:y1, x0:x1], g, out=hm[y0:y1, x0:x1])


def make_targets(plates, ignore, H, W):
    """-> hm [1,h,w], reg [12,h,w], reg_w [2,h,w] (box / corner weights), hm_ignore [1,h,w]."""
    h, w = H // STRIDE, W // STRIDE
    hm = np.zeros((h, w), np.float32)
    reg = np.zeros((12, h, w), np.float32)
    reg_w = np.zeros((2, h, w), np.float32)
    ign = np.zeros((h, w), np.float32)
    for bx, by, bw, bh in ignore:
        ign[int(by / STRIDE):int(np.ceil((by + bh) / STRIDE)), int(bx / STRIDE):int(np.ceil((bx + bw) / STRIDE))] = 1
    # Regression is trained at the centre cell (weight 1) and its 8 neighbours inside the
    # box (weight 0.5): more signal per image, and a decode that stays right when the peak
    # lands one cell off. The contract allows it: offsets are relative to whichever cell
    # holds the peak (cx = (col + ch1) * 4), so they may leave [0, 1). Larger plates are
    # written first so that small neighbours win contested cells.
    centres = []
    for p in sorted(plates, key=lambda p: -p["box"][2] * p["box"][3]):
        bx, by, bw, bh = p["box"]
        cx, cy = (bx + bw / 2) / STRIDE, (by + bh / 2) / STRIDE
        ci, cj = min(w - 1, int(cx)), min(h - 1, int(cy))
        w4, h4 = max(bw, 1.0) / STRIDE, max(bh, 1.0) / STRIDE
        # Elongated Gaussian (TTFNet-style): plates are 2-5x wider than tall.
        gaussian_2d(hm, cx, cy, max(0.5, 0.1 * w4), max(0.5, 0.1 * h4))
        corners = (np.asarray(p["corners"], np.float32) - [bx + bw / 2, by + bh / 2]) / STRIDE
        cw = p.get("corner_w", 1.0)
        for dj in (-1, 0, 1):
            for di in (-1, 0, 1):
                i, j = ci + di, cj + dj
                if not (0 <= i < w and 0 <= j < h):
                    continue
                if (di or dj) and not (bx <= (i + 0.5) * STRIDE <= bx + bw and by <= (j + 0.5) * STRIDE <= by + bh):
                    continue
                wgt = 1.0 if di == 0 and dj == 0 else 0.5
                reg[:, j, i] = [cx - i, cy - j, np.log(w4), np.log(h4), *corners.reshape(-1)]
                reg_w[0, j, i] = wgt
                reg_w[1, j, i] = wgt * cw
        centres.append((ci, cj, cx, cy, w4, h4, corners, cw))
    for ci, cj, cx, cy, w4, h4, corners, cw in centres:  # centre cells always win
        hm[cj, ci] = 1.0
        ign[cj, ci] = 0.0
        reg[:, cj, ci] = [cx - ci, cy - cj, np.log(w4), np.log(h4), *corners.reshape(-1)]
        reg_w[0, cj, ci] = 1.0
        reg_w[1, cj, ci] = cw
    ign[hm > 0.05] = 0  # a labelled plate's surroundings always count
    return hm[None], reg, reg_w, ign[None]


class DetectorStream(torch.utils.data.IterableDataset):
    """Endless stream of (image tensor, targets...) mixing synthetic and real scenes."""

    def __init__(self, seed, size=384, real_frac=0.45, use_synth=True, small_boost=1.0,
                 max_zoom=2.0):
        self.seed, self.size, self.real_frac, self.use_synth = seed, size, real_frac, use_synth
        # Real photos holding a plate under SMALL_PLATE_PX wide are drawn small_boost times
        # as often: small plates are the detector's main miss (docs/accuracy.md).
        self.small_boost, self.max_zoom = small_boost, max_zoom

    def _setup(self):
        info = torch.utils.data.get_worker_info()
        wid = info.id if info else 0
        self.rng = np.random.default_rng([self.seed, wid])
        self.comp = SceneComposer(seed=self.seed * 100 + wid, use_synth=self.use_synth)
        self.real = load_openimages("train") + load_kaggle()
        w = np.array([self.small_boost if any(b[2] < SMALL_PLATE_PX for b in boxes) else 1.0
                      for _, boxes in self.real])
        self.real_p = w / w.sum()

    def sample(self):
        rng, S = self.rng, self.size
        if rng.random() < self.real_frac:
            img, boxes = self.real[rng.choice(len(self.real), p=self.real_p)]
            img, plates, ignore = augment_real(rng, img, boxes, S, self.max_zoom)
        else:
            n_range = (0, 0) if rng.random() < 0.08 else (1, 6)
            img, plates = self.comp.scene(rng, S, S, n_range=n_range)
            ignore = []
        hm, reg, reg_w, ign = make_targets(plates, ignore, S, S)
        x = torch.from_numpy(img[:, :, ::-1].transpose(2, 0, 1).astype(np.float32) * (1 / 255.0))
        return x, torch.from_numpy(hm), torch.from_numpy(reg), torch.from_numpy(reg_w), torch.from_numpy(ign)

    def __iter__(self):
        self._setup()
        while True:
            yield self.sample()
