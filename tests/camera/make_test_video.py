#!/usr/bin/python3
"""Renders the camera node's test video: vehicles with KNOWN Uzbek plates crossing a street.

Each vehicle is a real photo (scenes/openimages-plates/train: a labelled vehicle box, class 1,
holding a labelled plate box, class 0) whose plate is covered by a synthetic Uzbek private
plate from training/synth (PlateSampler), warped onto the labelled plate box. The vehicle
crosses a real background frame (scenes/negatives) left to right or right to left, in one of
two lanes, in `--cross-s` seconds; vehicles overlap in time on different lanes. Frames are
piped to ffmpeg (libx264, yuv420p, key frame every second) -> MP4.

Ground truth (JSON): for each vehicle its text, direction, lane, and the times (seconds from
the first frame) when its plate centre enters and leaves the frame, in order of entry.

  make_test_video.py --data ../shared/data --out DIR [--width 1920 --height 1080 --fps 25]
      [--vehicles 8] [--seed 3] [--cross-s 1.6] [--gap-s 1.1 | --starts 0.3,2.3,6.8,8.8]
Writes DIR/test.mp4 and DIR/truth.json. Deterministic for a seed (ffmpeg version aside).
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from training.synth.plates import PlateSampler  # noqa: E402


def labelled_vehicles(data):
    """(image path, vehicle box, plate box) in pixels, for clear single-plate vehicles."""
    out = []
    base = os.path.join(data, "scenes", "openimages-plates", "train")
    for label in sorted(glob.glob(os.path.join(base, "labels", "*.txt"))):
        stem = os.path.splitext(os.path.basename(label))[0]
        image = os.path.join(base, "images", stem + ".jpg")
        if not os.path.exists(image):
            continue
        rows = [list(map(float, line.split())) for line in open(label) if line.strip()]
        plates = [r[1:] for r in rows if int(r[0]) == 0]
        vehicles = [r[1:] for r in rows if int(r[0]) == 1]
        for v in vehicles:
            inside = [p for p in plates if abs(p[0] - v[0]) < v[2] / 2 and abs(p[1] - v[1]) < v[3] / 2]
            if len(inside) != 1:
                continue
            p = inside[0]
            # A plate seen roughly head-on, not tiny within its vehicle, vehicle not cut off.
            if not (0.15 <= p[2] / v[2] <= 0.45 and 0.05 < v[0] - v[2] / 2 and v[0] + v[2] / 2 < 0.95):
                continue
            out.append((image, v, p))
    return out


def vehicle_sprite(item, plate_img, plate_px):
    """The vehicle crop with the synthetic plate over its real one, scaled so the plate is
    plate_px wide. Returns (sprite, plate box in sprite pixels)."""
    path, v, p = item
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    h, w = img.shape[:2]
    vx0, vy0 = int((v[0] - v[2] / 2) * w), int((v[1] - v[3] / 2) * h)
    vx1, vy1 = int((v[0] + v[2] / 2) * w), int((v[1] + v[3] / 2) * h)
    # Cover the labelled plate (plus a small margin so none of the real text shows).
    pw, ph = p[2] * w * 1.08, p[3] * h * 1.08
    pcx, pcy = p[0] * w, p[1] * h
    aspect = plate_img.shape[1] / plate_img.shape[0]
    ph = max(ph, pw / aspect)  # keep the synthetic plate's own proportions
    pw = ph * aspect
    x0, y0 = int(round(pcx - pw / 2)), int(round(pcy - ph / 2))
    warped = cv2.resize(plate_img, (int(round(pw)), int(round(ph))), interpolation=cv2.INTER_AREA)
    x0c, y0c = max(x0, 0), max(y0, 0)
    x1c, y1c = min(x0 + warped.shape[1], w), min(y0 + warped.shape[0], h)
    img[y0c:y1c, x0c:x1c] = warped[y0c - y0:y1c - y0, x0c - x0:x1c - x0]
    sprite = img[vy0:vy1, vx0:vx1]
    s = plate_px / pw
    sprite = cv2.resize(sprite, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    box = ((x0 - vx0) * s, (y0 - vy0) * s, pw * s, ph * s)
    return sprite, box


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--width", type=int, default=1920)
    ap.add_argument("--height", type=int, default=1080)
    ap.add_argument("--fps", type=int, default=25)
    ap.add_argument("--vehicles", type=int, default=8)
    ap.add_argument("--cross-s", type=float, default=1.6, help="seconds to cross the frame")
    ap.add_argument("--gap-s", type=float, default=1.1, help="seconds between vehicle entries")
    ap.add_argument("--starts", help="comma-separated entry times (s), one per vehicle, "
                    "instead of --gap-s: leaves moments with no vehicle in view")
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    starts = [0.3 + k * args.gap_s for k in range(args.vehicles)]
    if args.starts:
        starts = [float(x) for x in args.starts.split(",")]
        if len(starts) != args.vehicles or starts != sorted(starts) or starts[0] < 0:
            sys.exit("--starts needs one increasing time per vehicle")

    rng = np.random.default_rng(args.seed)
    W, H, fps = args.width, args.height, args.fps
    scale = H / 1080.0
    items = labelled_vehicles(args.data)
    if len(items) < args.vehicles:
        sys.exit(f"only {len(items)} usable vehicle photos")
    picks = rng.choice(len(items), size=args.vehicles, replace=False)
    sampler = PlateSampler(seed=args.seed)
    negatives = sorted(glob.glob(os.path.join(args.data, "scenes", "negatives", "*.jpg")))
    bg = cv2.imread(negatives[int(rng.integers(len(negatives)))], cv2.IMREAD_COLOR)
    bg = cv2.resize(bg, (W, H), interpolation=cv2.INTER_AREA)

    lanes = [0.42, 0.78]  # vertical position of the sprite's bottom, as a fraction of H
    vehicles = []
    texts = set()
    for k, pick in enumerate(picks):
        while True:
            plate = sampler.sample(country="uz", format_id="uz-private")
            if plate.text not in texts:
                break
        texts.add(plate.text)
        plate_px = float(rng.uniform(150, 190)) * scale
        sprite, pbox = vehicle_sprite(items[pick], plate.image, plate_px)
        # Even-numbered vehicles go left to right in lane 0, odd ones right to left in lane 1,
        # so consecutive vehicles overlap in time without overlapping on screen.
        lane = k % 2
        direction = "left_to_right" if lane == 0 else "right_to_left"
        max_h = int(H * (0.40 if lane == 0 else 0.36))
        if sprite.shape[0] > max_h:
            f = max_h / sprite.shape[0]
            sprite = cv2.resize(sprite, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
            pbox = tuple(c * f for c in pbox)
        start = starts[k]
        vehicles.append({"sprite": sprite, "pbox": pbox, "lane": lane, "direction": direction,
                         "start": start, "text": plate.text})

    frames = int((vehicles[-1]["start"] + args.cross_s + 0.8) * fps)
    truth = []
    for v in vehicles:
        sw = v["sprite"].shape[1]
        travel = W + sw  # from fully left of the frame to fully right of it
        v["speed"] = travel / (args.cross_s * fps)  # px per frame
        pcx = v["pbox"][0] + v["pbox"][2] / 2
        # x of the sprite's left edge at time t: moves from -sw to W (or back).
        def plate_x(t, v=v, sw=sw, pcx=pcx):
            f = (t - v["start"]) * fps
            left = -sw + v["speed"] * f if v["direction"] == "left_to_right" else W - v["speed"] * f
            return left + pcx
        # Entry / exit: plate centre inside [0, W).
        t_in = next(t / fps for t in range(frames * 4) if 0 <= plate_x(t / fps) < W)
        t_out = max(t / fps for t in range(frames * 4) if 0 <= plate_x(t / fps) < W)
        v["plate_x"] = plate_x
        truth.append({"text": v["text"], "direction": v["direction"], "lane": v["lane"],
                      "enter_s": round(t_in, 3), "exit_s": round(t_out, 3)})

    os.makedirs(args.out, exist_ok=True)
    mp4 = os.path.join(args.out, "test.mp4")
    ff = subprocess.Popen(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
         "-s", f"{W}x{H}", "-r", str(fps), "-i", "-", "-c:v", "libx264", "-preset", "veryfast",
         "-crf", "20", "-pix_fmt", "yuv420p", "-g", str(fps), "-movflags", "+faststart", mp4],
        stdin=subprocess.PIPE)
    for f in range(frames):
        t = f / fps
        frame = bg.copy()
        for v in vehicles:
            sprite = v["sprite"]
            sh, sw = sprite.shape[:2]
            pcx = v["pbox"][0] + v["pbox"][2] / 2
            x0 = int(round(v["plate_x"](t) - pcx))
            y0 = int(H * (0.42 if v["lane"] == 0 else 0.78) * 1.0) - sh + int(0.2 * H * v["lane"])
            y0 = min(max(y0, 0), H - sh)
            xa, xb = max(x0, 0), min(x0 + sw, W)
            if xa >= xb:
                continue
            frame[y0:y0 + sh, xa:xb] = sprite[:, xa - x0:xb - x0]
        ff.stdin.write(frame.tobytes())
    ff.stdin.close()
    if ff.wait() != 0:
        sys.exit("ffmpeg failed")
    truth.sort(key=lambda r: r["enter_s"])
    meta = {"width": W, "height": H, "fps": fps, "frames": frames, "vehicles": truth}
    with open(os.path.join(args.out, "truth.json"), "w") as out:
        json.dump(meta, out, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
