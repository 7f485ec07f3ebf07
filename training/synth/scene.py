"""Synthetic detector scenes: plate images pasted onto real street backgrounds.

Plates come from real crops (crops-br and crops-us *train* split only, crops-eu/eu and
eu2 which carry no text) and, when the renderer is present, from PlateSampler renders
with Uzbek plates weighted heavily (there are no real Uzbek photos). Backgrounds are
`scenes/negatives` (real frames without a readable plate).

Each plate is warped by a random perspective quad, so its 4 corners are known exactly;
the axis-aligned box is the corners' bounding box. Photometric damage (lighting, blur,
noise, JPEG) is applied to the whole frame afterwards, as a camera would.

    composer = SceneComposer(seed=1)
    img, plates = composer.scene(rng, 384, 384)   # plates: [{"corners", "box", ...}]
"""
import glob
import os

import cv2
import numpy as np

from training.common.splits import br_crops, data_dir, us_crops

# Share of pasted plates drawn from each source (renormalised over those available).
SOURCE_WEIGHTS = {"uz": 0.45, "synth_other": 0.10, "br": 0.17, "us": 0.10, "eu": 0.18}


def _load(path, max_side=None):
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is not None and max_side and max(img.shape[:2]) > max_side:
        s = max_side / max(img.shape[:2])
        img = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    return img


def try_plate_sampler(seed):
    """The renderer's PlateSampler, or None while training/synth/plates.py is absent."""
    try:
        from training.synth.plates import PlateSampler
    except Exception as exc:  # the renderer may not exist yet / may be mid-edit
        print(f"[scene] PlateSampler unavailable ({exc.__class__.__name__}: {exc})")
        return None
    return PlateSampler(seed)


class PlateSource:
    """Draws plate images: real crops (train split only) and synthetic renders."""

    def __init__(self, seed, data=None, use_synth=True, uz_only=False):
        data = data or data_dir()
        self.real = {
            "br": [_load(p) for p, _ in br_crops(data, split="train")],
            "us": [_load(p) for p, _, _ in us_crops(data, split="train")],
            "eu": [_load(p) for p in sorted(glob.glob(os.path.join(data, "plates/crops-eu/eu*/*")))
                   if p.lower().endswith((".png", ".jpg", ".jpeg", ".bmp"))],
        }
        self.real = {k: [im for im in v if im is not None] for k, v in self.real.items()}
        self.sampler = try_plate_sampler(seed) if use_synth else None
        self.uz_only = uz_only
        names, weights = [], []
        for name, w in SOURCE_WEIGHTS.items():
            ok = self.sampler is not None if name in ("uz", "synth_other") else bool(self.real[name])
            if ok and (not uz_only or name == "uz"):
                names.append(name)
                weights.append(w)
        if not names:
            raise RuntimeError("no plate source available")
        self.names = names
        self.weights = np.array(weights) / sum(weights)

    def counts(self):
        return {k: len(v) for k, v in self.real.items()} | {"synth": self.sampler is not None}

    def draw(self, rng):
        """-> (BGR plate image, info dict with 'source', and 'text'/'country' for renders)."""
        name = self.names[rng.choice(len(self.names), p=self.weights)]
        if name in ("uz", "synth_other"):
            p = self.sampler.sample(country="uz" if name == "uz" else None)
            return p.image, {"source": "synth", "text": p.text, "country": p.country,
                             "lines": p.lines, "format": getattr(p, "format_id", None),
                             "spans": getattr(p, "spans", [])}
        pool = self.real[name]
        return pool[rng.integers(len(pool))], {"source": name}


class Backgrounds:
    """Real negative frames (no readable plate), kept in memory at <= 1280 px."""

    def __init__(self, data=None):
        data = data or data_dir()
        paths = sorted(glob.glob(os.path.join(data, "scenes/negatives/*")))
        self.images = [im for im in (_load(p, 1280) for p in paths)
                       if im is not None and min(im.shape[:2]) >= 100]

    def crop(self, rng, h, w):
        """A random rescaled crop of a random background, exactly h x w."""
        bg = self.images[rng.integers(len(self.images))]
        bh, bw = bg.shape[:2]
        # Scale so the frame covers the crop, with extra zoom-in for variety.
        s = max(h / bh, w / bw) * rng.uniform(1.0, 2.0)
        bg = cv2.resize(bg, (max(w, int(bw * s + 0.5)), max(h, int(bh * s + 0.5))),
                        interpolation=cv2.INTER_LINEAR)
        y = rng.integers(bg.shape[0] - h + 1)
        x = rng.integers(bg.shape[1] - w + 1)
        out = bg[y:y + h, x:x + w].copy()
        return out[:, ::-1].copy() if rng.random() < 0.5 else out


def plate_quad(rng, cx, cy, width, aspect):
    """A random perspective quad (TL, TR, BR, BL) of a plate centred at (cx, cy)."""
    hgt = width / aspect
    pts = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]]) * [width, hgt]
    # Horizontal foreshortening (camera off to one side): one vertical edge shorter.
    k = rng.uniform(-0.25, 0.25)
    pts[:, 1] *= 1 + k * np.sign(pts[:, 0])
    pts[:, 0] *= rng.uniform(0.75, 1.0) if abs(k) > 0.15 else 1.0
    # Vertical tilt (camera above): top edge slightly shorter than the bottom.
    t = rng.uniform(0.0, 0.12)
    pts[:, 0] *= 1 - t * (pts[:, 1] < 0)
    # Shear and in-plane rotation (tilted camera / road).
    pts[:, 0] += rng.uniform(-0.15, 0.15) * pts[:, 1]
    a = np.deg2rad(rng.normal(0, 5) if rng.random() < 0.9 else rng.uniform(-20, 20))
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    pts = pts @ rot.T
    # Small independent corner jitter.
    pts += rng.normal(0, 0.02 * hgt + 0.2, pts.shape)
    return (pts + [cx, cy]).astype(np.float32)


def photometric_plate(rng, plate):
    """Per-plate lighting: dirt, shade, colour cast, lost resolution."""
    p = plate.astype(np.float32)
    p = p * rng.uniform(0.45, 1.25) + rng.uniform(-30, 30)
    p *= rng.uniform(0.85, 1.15, 3)
    if rng.random() < 0.2:  # shadow / glare gradient across the plate
        g = np.linspace(rng.uniform(0.5, 1.3), rng.uniform(0.5, 1.3), p.shape[1])
        p *= g[None, :, None]
    return np.clip(p, 0, 255).astype(np.uint8)


def paste(canvas, plate, quad, rng):
    """Warp `plate` onto `canvas` (in place) so that its corners land on `quad`."""
    h, w = plate.shape[:2]
    x0, y0 = np.floor(quad.min(0)).astype(int) - 2
    x1, y1 = np.ceil(quad.max(0)).astype(int) + 2
    H, W = canvas.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(W, x1), min(H, y1)
    if x1 <= x0 or y1 <= y0:
        return
    # Shrinking a big crop straight onto a small quad aliases; pre-shrink with INTER_AREA.
    qw = np.linalg.norm(quad[1] - quad[0])
    if qw < 0.5 * w:
        s = max(qw * rng.uniform(1.0, 1.6), 4) / w
        plate = cv2.resize(plate, (max(4, int(w * s)), max(2, int(h * s))), interpolation=cv2.INTER_AREA)
        h, w = plate.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    M = cv2.getPerspectiveTransform(src, quad - np.float32([x0, y0]))
    size = (x1 - x0, y1 - y0)
    warped = cv2.warpPerspective(plate, M, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    mask = cv2.warpPerspective(np.ones((h, w), np.float32), M, size, flags=cv2.INTER_LINEAR)
    roi = canvas[y0:y1, x0:x1].astype(np.float32)
    canvas[y0:y1, x0:x1] = (roi + (warped.astype(np.float32) - roi) * mask[..., None]).astype(np.uint8)


def scale_quad(quad, sx, sy, dy=0.0):
    c = quad.mean(0)
    return ((quad - c) * [sx, sy] + c + [0, dy]).astype(np.float32)


def car_region(canvas, quad, rng):
    """A crude car-like body behind the plate: plates sit on painted metal, not on walls."""
    w = np.linalg.norm(quad[1] - quad[0])
    h = np.linalg.norm(quad[3] - quad[0])
    body = scale_quad(quad, rng.uniform(2.5, 4), rng.uniform(3, 7), -rng.uniform(0.5, 2) * h)
    colour = rng.integers(0, 256, 3) if rng.random() < 0.5 else np.full(3, rng.integers(0, 256))
    cv2.fillConvexPoly(canvas, np.round(body).astype(np.int32), [int(c) for c in colour], cv2.LINE_AA)
    if rng.random() < 0.6:  # tail/head lights either side
        for side in (-1, 1):
            light = scale_quad(quad, 0.35, 1.0) + [side * w * rng.uniform(1.0, 1.4), -h * rng.uniform(0.5, 2)]
            col = (0, 0, 200) if rng.random() < 0.5 else (230, 230, 230)
            cv2.fillConvexPoly(canvas, np.round(light).astype(np.int32), col, cv2.LINE_AA)


def camera(img, rng, strength=1.0):
    """Whole-frame lighting, blur, sensor noise and JPEG, as from a real camera."""
    out = img.astype(np.float32)
    if rng.random() < 0.5:
        gamma = rng.uniform(0.6, 1.6)
        out = 255.0 * (out / 255.0) ** gamma
    out = out * rng.uniform(0.6, 1.2) + rng.uniform(-20, 20)
    if rng.random() < 0.1:
        out = np.repeat(out.mean(2, keepdims=True), 3, 2)  # greyscale / IR camera
    r = rng.random()
    if r < 0.35 * strength:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.4, 1.3))
    elif r < 0.5 * strength:  # horizontal-ish motion blur
        k = int(rng.integers(3, 7))
        ker = np.zeros((k, k), np.float32)
        ker[k // 2, :] = 1.0 / k
        ang = rng.uniform(-30, 30)
        ker = cv2.warpAffine(ker, cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), ang, 1.0), (k, k))
        out = cv2.filter2D(out, -1, ker / max(ker.sum(), 1e-6))
    if rng.random() < 0.6:
        # cv2.randn is ~10x faster than numpy's normal on a whole frame.
        noise = np.empty(out.shape, np.float32)
        cv2.setRNGSeed(int(rng.integers(1 << 31)))
        cv2.randn(noise, 0.0, float(rng.uniform(1, 8) * strength))
        out += noise
    out = np.clip(out, 0, 255).astype(np.uint8)
    if rng.random() < 0.7:
        q = int(rng.integers(30, 95))
        out = cv2.imdecode(cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, q])[1], cv2.IMREAD_COLOR)
    return out


def sample_width(rng, frame_w, min_w=10, max_frac=0.4):
    """Plate width in pixels: most plates small (far cameras), a long tail of big ones."""
    hi = max(min_w + 1, max_frac * frame_w)
    if rng.random() < 0.6:
        return float(np.exp(rng.uniform(np.log(min_w), np.log(min(60, hi)))))
    return float(np.exp(rng.uniform(np.log(min(60, hi)), np.log(hi))))


class SceneComposer:
    def __init__(self, seed=0, data=None, use_synth=True, uz_only=False):
        self.plates = PlateSource(seed, data, use_synth, uz_only)
        self.bgs = Backgrounds(data)

    def scene(self, rng, h, w, n_range=(1, 6), width_range=None, car_prob=0.35, strength=1.0):
        """-> (BGR image h x w, [{"corners": 4x2 float32 TL,TR,BR,BL, "box": [x,y,w,h], ...}])."""
        canvas = self.bgs.crop(rng, h, w)
        placed = []
        n = int(rng.integers(n_range[0], n_range[1] + 1))
        for _ in range(n * 3):  # a few tries per plate to avoid overlaps
            if len(placed) == n:
                break
            img, info = self.plates.draw(rng)
            aspect = img.shape[1] / img.shape[0]
            pw = rng.uniform(*width_range) if width_range else sample_width(rng, max(h, w))
            pw = min(pw, 0.9 * w, 0.9 * h * aspect)
            ph = pw / aspect
            cx = rng.uniform(pw * 0.6, w - pw * 0.6)
            cy = rng.uniform(ph * 0.8, h - ph * 0.8)
            quad = plate_quad(rng, cx, cy, pw, aspect)
            x0, y0 = quad.min(0)
            x1, y1 = quad.max(0)
            if x0 < 0 or y0 < 0 or x1 > w - 1 or y1 > h - 1:
                continue
            box = [float(x0), float(y0), float(x1 - x0), float(y1 - y0)]
            if any(_overlap(box, p["box"]) for _, p in placed):
                continue
            placed.append((img, {"corners": quad, "box": box, **info}))
        # Cars first, plates last: a car body must never hide an earlier (labelled) plate.
        for _, p in placed:
            if rng.random() < car_prob:
                car_region(canvas, p["corners"], rng)
        for img, p in placed:
            if rng.random() < 0.3:  # dark plate holder / frame around the plate
                frame = scale_quad(p["corners"], rng.uniform(1.04, 1.12), rng.uniform(1.1, 1.35))
                shade = int(rng.integers(0, 80))
                cv2.fillConvexPoly(canvas, np.round(frame).astype(np.int32), (shade,) * 3, cv2.LINE_AA)
            paste(canvas, photometric_plate(rng, img), p["corners"], rng)
        return camera(canvas, rng, strength), [p for _, p in placed]


def _overlap(a, b, margin=2.0):
    return not (a[0] + a[2] + margin < b[0] or b[0] + b[2] + margin < a[0] or
                a[1] + a[3] + margin < b[1] or b[1] + b[3] + margin < a[1])


if __name__ == "__main__":
    # Preview: writes a grid of annotated scenes to /tmp/scenes.png.
    import sys
    comp = SceneComposer(seed=0)
    print(comp.plates.counts(), "backgrounds", len(comp.bgs.images))
    rng = np.random.default_rng(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    tiles = []
    for _ in range(6):
        img, plates = comp.scene(rng, 384, 384)
        for p in plates:
            cv2.polylines(img, [np.round(p["corners"]).astype(np.int32)], True, (0, 255, 0), 1)
        tiles.append(img)
    cv2.imwrite("/tmp/scenes.png", np.vstack([np.hstack(tiles[:3]), np.hstack(tiles[3:])]))
