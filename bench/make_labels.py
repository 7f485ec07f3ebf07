"""Writes a labelled evaluation set as JSON lines for bench/accuracy (safelane-accuracy).

    /usr/bin/python3 bench/make_labels.py SET --out FILE.jsonl

SET is one of:
  br-test          held-out Brazilian crops (split rule: docs/model-contracts.md), all
  br-test-photos   ... only the real photos (file names with the CC_ token)
  br-test-rendered ... only the `pl_` crops (rendered plates in the openalpr set)
  br-test-noisy    ... only the `<n>_TEXT` crops, whose labels came from an earlier OCR
                   and are often wrong (see models/plate_reader.md)
  us-test          held-out real US crops
  openimages-test  real scene photos, plate boxes (and text where plate-text.csv has it)
  openimages-valid the same for the validation split
  kaggle           real car photos with plate boxes (partly used in detector training!)
  eu-check         38 hand-read EU crops (training/reader/eu_check.csv): the only EU text

Crop lines:  {"image": PATH, "crop": true, "text": "ABC1234"}
Scene lines: {"image": PATH, "plates": [{"box": [x, y, w, h], "text": "..." | null}]}
Paths are absolute, so the file can live anywhere.
"""
import argparse
import csv
import json
import re
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from training.common.splits import br_crops, data_dir, us_crops  # noqa: E402

import cv2  # noqa: E402


def br_kind(path):
    name = os.path.basename(path)
    if name.startswith("pl_"):
        return "rendered"
    if re.match(r"^[0-9]+_", name):
        return "noisy"
    return "photos"


def crop_lines(items):
    for item in items:
        yield {"image": os.path.abspath(item[0]), "crop": True, "text": item[1]}


def openimages_lines(split):
    root = os.path.join(data_dir(), "scenes", "openimages-plates")
    texts = {}
    with open(os.path.join(root, "plate-text.csv")) as f:
        for row in csv.DictReader(f):
            texts[row["file"]] = row["plate_text"].strip().upper()
    img_dir = os.path.join(root, split, "images")
    for name in sorted(os.listdir(img_dir)):
        path = os.path.join(img_dir, name)
        h, w = cv2.imread(path).shape[:2]
        label = os.path.join(root, split, "labels", os.path.splitext(name)[0] + ".txt")
        plates = []
        if os.path.exists(label):
            for line in open(label):
                parts = line.split()
                if len(parts) != 5 or parts[0] != "0":
                    continue
                cx, cy, bw, bh = (float(v) for v in parts[1:])
                plates.append({"box": [round((cx - bw / 2) * w, 1), round((cy - bh / 2) * h, 1),
                                       round(bw * w, 1), round(bh * h, 1)], "text": None})
        # The third-party text file names one plate per image: attach it only when the
        # image has exactly one plate, so it cannot be credited to the wrong box.
        text = texts.get(f"{split}/images/{name}")
        if text and len(plates) == 1:
            plates[0]["text"] = text
        yield {"image": path, "plates": plates}


def kaggle_lines():
    root = os.path.join(data_dir(), "scenes", "kaggle-car-plates-433")
    for name in sorted(os.listdir(os.path.join(root, "annotations"))):
        tree = ET.parse(os.path.join(root, "annotations", name))
        image = os.path.join(root, "images", tree.findtext("filename"))
        plates = []
        for obj in tree.iter("object"):
            b = obj.find("bndbox")
            x0, y0, x1, y1 = (float(b.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
            plates.append({"box": [x0, y0, x1 - x0, y1 - y0], "text": None})
        yield {"image": image, "plates": plates}


def eu_check_lines():
    csv_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                            "training", "reader", "eu_check.csv")
    rows = [r for r in open(csv_path) if not r.startswith("#")]
    for r in csv.DictReader(rows):
        yield {"image": os.path.join(str(data_dir()), "plates", "crops-eu", r["file"]), "crop": True, "text": r["text"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set", choices=["br-test", "br-test-photos", "br-test-rendered", "br-test-noisy",
                                    "us-test", "openimages-test", "openimages-valid", "kaggle",
                                    "eu-check"])
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    lines = {
        "br-test": lambda: crop_lines(br_crops(split="test")),
        "br-test-photos": lambda: crop_lines(c for c in br_crops(split="test") if br_kind(c[0]) == "photos"),
        "br-test-rendered": lambda: crop_lines(c for c in br_crops(split="test") if br_kind(c[0]) == "rendered"),
        "br-test-noisy": lambda: crop_lines(c for c in br_crops(split="test") if br_kind(c[0]) == "noisy"),
        "us-test": lambda: crop_lines(us_crops(split="test")),
        "openimages-test": lambda: openimages_lines("test"),
        "openimages-valid": lambda: openimages_lines("valid"),
        "kaggle": kaggle_lines,
        "eu-check": eu_check_lines,
    }[args.set]()
    count = 0
    with open(args.out, "w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")
            count += 1
    print(f"{args.set}: {count} lines -> {args.out}")


if __name__ == "__main__":
    main()
