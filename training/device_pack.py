"""Pack the TRAINING part of ../shared/data for the GPU machine (it sees only the repo).

    /usr/bin/python3 -m training.device_pack --out .gpu

The device tool carries at most 64 MiB and never ../shared, so this writes a smaller
copy of exactly what training reads, laid out like ../shared/data so that
`SAFELANE_DATA=.gpu/data` points the unchanged loaders at it:
- scenes/openimages-plates train and valid (bytes unchanged); NEVER test;
- scenes/kaggle-car-plates-433 and scenes/negatives, recompressed as WebP (negatives at
  most 1024 px on the long side; the scene composer crops
  and rescales them, and the detector trains on 384 px crops);
- plates/crops-br and crops-us, TRAIN split only (splits.py), crops-eu/eu and eu2
  (unlabelled, self-training), as WebP; pseudo-label files are rewritten to the new names;
- uzbekistan/*.json (renderer statistics) and the fonts the renderer uses (fonts/).
The held-out test data never leaves this machine, so nothing trained there can see it.
"""
import argparse
import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import cv2

from training.common.splits import br_crops, data_dir, us_crops
from training.synth import glyphs

# WebP (half the bytes of JPEG at the same look; every loader reads through cv2.imread,
# which goes by content). Quality 85 for plate crops (their characters are what the
# reader learns), 70 for scenes; training adds its own JPEG damage on top anyway.
CROP_QUALITY, SCENE_QUALITY = 85, 70


def write_image(src, dst, max_side=None, quality=SCENE_QUALITY):
    img = cv2.imread(str(src), cv2.IMREAD_COLOR)
    if img is None:
        return False
    if max_side and max(img.shape[:2]) > max_side:
        s = max_side / max(img.shape[:2])
        img = cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    dst.parent.mkdir(parents=True, exist_ok=True)
    return cv2.imwrite(str(dst), img, [cv2.IMWRITE_WEBP_QUALITY, quality])


def as_webp(name):
    return os.path.splitext(name)[0] + ".webp"


def pack_openimages(src, out):
    for split in ("train", "valid"):  # never "test"
        shutil.copytree(src / "scenes/openimages-plates" / split, out / "scenes/openimages-plates" / split)


def pack_kaggle(src, out):
    base, dst = src / "scenes/kaggle-car-plates-433", out / "scenes/kaggle-car-plates-433"
    (dst / "annotations").mkdir(parents=True)
    for xp in sorted((base / "annotations").glob("*.xml")):
        tree = ET.parse(xp)
        name = tree.getroot().findtext("filename")
        if write_image(base / "images" / name, dst / "images" / as_webp(name), max_side=1024):
            tree.getroot().find("filename").text = as_webp(name)
            tree.write(dst / "annotations" / xp.name)


def pack_negatives(src, out):
    for p in sorted((src / "scenes/negatives").iterdir()):
        write_image(p, out / "scenes/negatives" / as_webp(p.name), max_side=1024)


def pack_plates(src, out, pseudo_files):
    for path, _text in br_crops(src, split="train"):
        write_image(path, out / "plates/crops-br" / as_webp(path.name), quality=CROP_QUALITY)
    us_rows = []
    for path, text, state in us_crops(src, split="train"):
        write_image(path, out / "plates/crops-us" / as_webp(path.name), quality=CROP_QUALITY)
        us_rows.append(f"{as_webp(path.name)},{text},{state}")
    (out / "plates/crops-us/labels.csv").write_text("file,text,state\n" + "\n".join(us_rows) + "\n")
    for sub in ("eu", "eu2"):
        for p in sorted((src / "plates/crops-eu" / sub).iterdir()):
            write_image(p, out / "plates/crops-eu" / sub / as_webp(p.name), quality=CROP_QUALITY)
    for pf in pseudo_files:
        rows = json.load(open(pf))
        for r in rows:
            r["file"] = as_webp(r["file"])
        (out / os.path.basename(pf)).write_text(json.dumps(rows))


def pack_fonts(out):
    """The renderer's font files, under their paths relative to glyphs.FONT_DIR."""
    fonts = [glyphs.DIN, glyphs.DEJAVU_COND_BOLD, glyphs.DEJAVU_COND, glyphs.DEJAVU_BOLD,
             glyphs.DEJAVU_MONO_BOLD, *glyphs.ROADGEEK.values()]
    for f in fonts:
        dst = out / os.path.relpath(f, glyphs.FONT_DIR)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, dst)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--pseudo", nargs="*", default=["training/cache/pseudo_eu.json"])
    args = ap.parse_args(argv)
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    src, data = data_dir(), out / "data"
    pack_openimages(src, data)
    pack_kaggle(src, data)
    pack_negatives(src, data)
    pack_plates(src, data, [p for p in args.pseudo if os.path.exists(p)])
    shutil.copytree(src / "uzbekistan", data / "uzbekistan")
    pack_fonts(out / "fonts")
    total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"packed {out}: {total / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
