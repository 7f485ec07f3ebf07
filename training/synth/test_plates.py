"""Tests of the synthetic plates and the split helper.

Run from the repo root: /usr/bin/python3 -m unittest discover -s training -p 'test_*.py'
"""
import hashlib
import json
import re
import time
import unittest
from collections import Counter

import numpy as np

from training.common.splits import br_text_from_name, is_test_text
from training.synth.augment import degrade
from training.synth.formats import COUNTRIES, FORMATS_DIR, load_country, uz_statistics
from training.synth.plates import PlateSampler


def _country_regexes(country):
    spec = json.loads((FORMATS_DIR / f"{country}.json").read_text())
    return {f["id"]: f["regex"] for f in spec["formats"]}


class FormatFilesTest(unittest.TestCase):
    def test_schema(self):
        for country in COUNTRIES:
            spec = json.loads((FORMATS_DIR / f"{country}.json").read_text())
            self.assertEqual(spec["country"], country)
            self.assertAlmostEqual(sum(f["prior"] for f in spec["formats"]), 1.0, places=2)
            for f in spec["formats"]:
                re.compile(f["regex"])
                self.assertIn(f["lines"], (1, 2))
                if f["template"] is None:
                    self.assertLessEqual(f["min_len"], f["max_len"])
                    continue
                if f["display"]:
                    self.assertEqual(f["display"].count("#"), len(f["template"]), f["id"])

    def test_uz_region_codes(self):
        private = _country_regexes("uz")["uz-private"]
        for code in range(1, 100):
            self.assertRegex(f"{code:02d}A123BC", private)
        self.assertNotRegex("00A123BC", private)
        self.assertNotRegex("01I123BC", private)  # no letter I in Uzbek series

    def test_contract_example(self):
        self.assertRegex("01A123BC", _country_regexes("uz")["uz-private"])


class SamplerTest(unittest.TestCase):
    def test_texts_match_formats(self):
        s = PlateSampler(seed=1)
        for country in COUNTRIES:
            regexes = _country_regexes(country)
            for _ in range(150):
                p = s.sample(country=country)
                self.assertEqual(p.country, country)
                self.assertRegex(p.text, regexes[p.format_id])
                self.assertTrue(any(re.fullmatch(r, p.text) for r in regexes.values()))
                self.assertEqual(p.text, p.text.upper())
                self.assertNotIn(" ", p.text)

    def test_every_format_renders(self):
        s = PlateSampler(seed=2)
        for country in COUNTRIES:
            for fmt in load_country(country):
                for _ in range(5):
                    p = s.sample(format_id=fmt.id)
                    self.assertEqual(p.format_id, fmt.id)
                    self.assertRegex(p.text, fmt.regex)
                    if fmt.template:
                        self.assertEqual(len(p.text), len(fmt.template))
                        for ch, cls in zip(p.text, fmt.template):
                            ok = {"D": ch.isdigit(), "L": ch.isalpha(), "A": ch.isalnum()}
                            self.assertTrue(ok.get(cls, ch == cls), (fmt.id, p.text))
                    else:
                        self.assertTrue(fmt.min_len <= len(p.text) <= fmt.max_len)
                    if fmt.lines == 2:
                        self.assertEqual(p.lines, 2)

    def test_image_shape(self):
        s = PlateSampler(seed=3)
        for _ in range(100):
            p = s.sample()
            self.assertEqual(p.image.dtype, np.uint8)
            self.assertEqual(p.image.ndim, 3)
            self.assertEqual(p.image.shape[2], 3)
            self.assertTrue(60 <= p.image.shape[0] <= 160, p.image.shape)
            self.assertIn(p.lines, (1, 2))
            if p.lines == 1:
                self.assertGreater(p.image.shape[1] / p.image.shape[0], 1.8)

    def test_deterministic(self):
        s1, s2, other = PlateSampler(seed=7), PlateSampler(seed=7), PlateSampler(seed=8)
        differs = 0
        for _ in range(20):
            p, q, r = s1.sample(), s2.sample(), other.sample()
            self.assertEqual(p.text, q.text)
            self.assertTrue(np.array_equal(p.image, q.image))
            differs += p.text != r.text
        self.assertGreater(differs, 10)

    def test_country_mix(self):
        s = PlateSampler(seed=4)
        counts = Counter(s.sample().country for _ in range(400))
        self.assertGreater(counts["uz"], counts["eu"])
        self.assertTrue(all(counts[c] > 20 for c in COUNTRIES), counts)

    def test_uz_private_statistics(self):
        s = PlateSampler(seed=5)
        texts = [s.sample(format_id="uz-private").text for _ in range(1000)]
        stats = uz_statistics()
        regions = Counter(t[:2] for t in texts)
        # Tashkent city (01) is a third of the real plates; 10 % of codes are uniform.
        self.assertAlmostEqual(regions["01"] / len(texts), 0.9 * 1696 / 5146, delta=0.04)
        last = Counter(t[-1] for t in texts)
        values, probs = stats["suffix_letter_2"]
        self.assertAlmostEqual(last["A"] / len(texts), probs[values.index("A")], delta=0.04)
        self.assertNotIn("I", "".join(t[2] + t[6:] for t in texts))


class TextSpansTest(unittest.TestCase):
    """Plate.spans says where the text lines are (the reader's honest-label check)."""

    def test_spans_spell_the_text_and_cover_ink(self):
        s = PlateSampler(seed=9)
        for country in COUNTRIES:
            for _ in range(40):
                p = s.sample(country=country)
                self.assertEqual("".join(re.sub("[^0-9A-Z]", "", t) for t, *_ in p.spans), p.text,
                                 (p.format_id, p.spans))
                grey = p.image.mean(axis=2)
                h, w = grey.shape
                for _, x0, x1, y0, y1 in p.spans:
                    self.assertTrue(0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1, p.spans)
                    box = grey[int(y0 * h):int(np.ceil(y1 * h)), int(x0 * w):int(np.ceil(x1 * w))]
                    # Ink inside the line's box differs strongly from the plate's paper.
                    self.assertGreater(np.abs(box - np.median(grey)).max(), 60, p.format_id)

    def test_uz_region_field_is_left(self):
        s = PlateSampler(seed=10)
        p = s.sample(country="uz", format_id="uz-private")
        (region, rx0, rx1, *_), (rest, sx0, *_) = p.spans
        self.assertEqual(region, p.text[:2])
        self.assertLess(rx1, sx0)  # the region field ends before the series starts
        self.assertLess(rx0, 0.06)


class DegradeTest(unittest.TestCase):
    def test_shape_and_speed(self):
        s = PlateSampler(seed=6)
        rng = np.random.default_rng(0)
        plates = [s.sample().image for _ in range(60)]
        start = time.process_time()
        for img in plates:
            out = degrade(img, rng)
            self.assertEqual(out.shape, img.shape)
            self.assertEqual(out.dtype, np.uint8)
        per_crop = (time.process_time() - start) / len(plates)
        self.assertLess(per_crop, 0.02)  # loose: the budget is 3 ms on an idle core


class SplitTest(unittest.TestCase):
    def test_rule(self):
        for text in ("AXK3125", "01A123BC", "FUW999"):
            expected = int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) % 10 < 2
            self.assertEqual(is_test_text(text), expected)

    def test_ratio(self):
        rng = np.random.default_rng(0)
        alphabet = np.array(list("ABCDEFGHJKLMNOPQRSTUVWXYZ0123456789"))
        texts = ["".join(rng.choice(alphabet, 7)) for _ in range(5000)]
        share = sum(map(is_test_text, texts)) / len(texts)
        self.assertAlmostEqual(share, 0.2, delta=0.02)

    def test_br_names(self):
        self.assertEqual(br_text_from_name(
            "##########_CC_011241_AXK3125.JPG_0000_0428_0037_0103_0042.jpg"), "AXK3125")
        self.assertEqual(br_text_from_name("pl_BYA3577.png"), "BYA3577")
        self.assertEqual(br_text_from_name("7_HNN5Q55.jpg"), "HNN5Q55")
        self.assertIsNone(br_text_from_name("4_DUA8870J.jpg"))
        self.assertIsNone(br_text_from_name("0100f648-460d-4810-ab91-40051e272f8e.bmp"))


if __name__ == "__main__":
    unittest.main()
