"""Decode the detector's `heads` exactly as the C++ engine does (contract section 2),
and score detections against ground truth. Shared by train.py (validation) and
evaluate.py, so model selection and the reported metrics use the same decoding.
"""
import cv2
import numpy as np

STRIDE = 4


def working_scale(h, w, working=1024, min_side=416, max_up=2.0):
    """Scale factor for a frame: long side to `working` for big frames; small frames
    (e.g. the 416 px openimages photos) stay at native size, never upscaled past 2x."""
    long_side = max(h, w)
    target = min(working, max(long_side, min_side))
    return min(target / long_side, max_up)


def prepare(img, scale):
    """BGR frame -> (float32 [1,3,H,W] RGB/255, zero-padded right/bottom to x32)."""
    h, w = img.shape[:2]
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    im = cv2.resize(img, (nw, nh), interpolation=interp) if scale != 1 else img
    H, W = -(-nh // 32) * 32, -(-nw // 32) * 32
    pad = np.zeros((H, W, 3), np.float32)
    pad[:nh, :nw] = im[:, :, ::-1].astype(np.float32) / 255.0
    return pad.transpose(2, 0, 1)[None].copy()


def decode(heads, threshold=0.3, scale=1.0, max_det=100):
    """heads [1,13,h,w] -> list of (score, [x,y,w,h], corners 4x2) in frame pixels."""
    hm = heads[0, 0]
    # 3x3 local maxima (peak NMS), as the engine does.
    peaks = (hm == cv2.dilate(hm, np.ones((3, 3), np.uint8))) & (hm >= threshold)
    rows, cols = np.nonzero(peaks)
    order = np.argsort(-hm[rows, cols])[:max_det]
    out = []
    for r, c in zip(rows[order], cols[order]):
        v = heads[0, :, r, c]
        cx, cy = (c + v[1]) * STRIDE, (r + v[2]) * STRIDE
        bw, bh = np.exp(v[3]) * STRIDE, np.exp(v[4]) * STRIDE
        corners = (v[5:13].reshape(4, 2) * STRIDE + [cx, cy]) / scale
        box = [(cx - bw / 2) / scale, (cy - bh / 2) / scale, bw / scale, bh / scale]
        out.append((float(v[0]), box, corners))
    return out


def iou(a, b):
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def match(dets, gts, iou_thr=0.5):
    """Greedy by score. -> list of (score, is_true_positive) and the number of GT."""
    used = [False] * len(gts)
    scored = []
    for s, box, _ in sorted(dets, key=lambda d: -d[0]):
        best, bj = 0.0, -1
        for j, g in enumerate(gts):
            if not used[j]:
                v = iou(box, g)
                if v > best:
                    best, bj = v, j
        if best >= iou_thr:
            used[bj] = True
            scored.append((s, True))
        else:
            scored.append((s, False))
    return scored, len(gts)


def pr_at(scored, n_gt, thr):
    tp = sum(1 for s, t in scored if s >= thr and t)
    fp = sum(1 for s, t in scored if s >= thr and not t)
    return tp / max(1, n_gt), tp / max(1, tp + fp), tp, fp


def average_precision(scored, n_gt):
    """VOC-style all-point AP at the chosen IoU."""
    if n_gt == 0:
        return 0.0
    scored = sorted(scored, key=lambda x: -x[0])
    tps = np.cumsum([t for _, t in scored]) if scored else np.zeros(0)
    fps = np.cumsum([not t for _, t in scored]) if scored else np.zeros(0)
    rec = tps / n_gt
    prec = tps / np.maximum(1, tps + fps)
    mrec = np.concatenate([[0], rec, [1]])
    mpre = np.concatenate([[0], prec, [0]])
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    idx = np.nonzero(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[idx + 1] - mrec[idx]) * mpre[idx + 1]))
