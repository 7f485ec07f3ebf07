"""Tests of the detector-crop honesty rule and the engine-style crop.

    /usr/bin/python3 -m unittest discover -t . -s training/reader -p 'test_*.py'
"""
import unittest

import numpy as np

from training.common import seeds
from training.reader.make_det_cache import crop_rect, label_visible

# A 200 x 50 px plate at (100, 100), axis-aligned; corners TL, TR, BR, BL.
CORNERS = np.float32([[100, 100], [300, 100], [300, 150], [100, 150]])
# Region "01" on u 0.03..0.15, series "A 123 BC" on u 0.25..0.80, both v 0.2..0.8.
SPANS = [("01", 0.03, 0.15, 0.2, 0.8), ("A 123 BC", 0.25, 0.80, 0.2, 0.8)]


class LabelVisibleTest(unittest.TestCase):
    def test_whole_plate_is_visible(self):
        self.assertTrue(label_visible(SPANS, CORNERS, (100, 100, 300, 150)))

    def test_region_digit_cut_by_less_than_half_keeps_the_label(self):
        # First digit spans u 0.03..0.09 (x 106..118): a box from x 110 keeps its centre.
        self.assertTrue(label_visible(SPANS, CORNERS, (110, 100, 300, 150)))

    def test_region_digit_cut_past_its_centre_drops_the_label(self):
        self.assertFalse(label_visible(SPANS, CORNERS, (114, 100, 300, 150)))

    def test_last_letter_cut_past_its_centre_drops_the_label(self):
        # Last letter ends at u 0.80 (x 260); its centre is ~x 254.
        self.assertTrue(label_visible(SPANS, CORNERS, (100, 100, 258, 150)))
        self.assertFalse(label_visible(SPANS, CORNERS, (100, 100, 250, 150)))

    def test_top_of_the_characters_cut_drops_the_label(self):
        self.assertFalse(label_visible(SPANS, CORNERS, (100, 122, 300, 150)))

    def test_unknown_spans_never_keep_a_label(self):
        self.assertFalse(label_visible([], CORNERS, (0, 0, 1000, 1000)))


class CropRectTest(unittest.TestCase):
    def test_floor_ceil_and_clip_like_the_engine(self):
        self.assertEqual(crop_rect([10.4, 5.6, 20.2, 10.1], (100, 200)), (10, 5, 31, 16))
        self.assertEqual(crop_rect([-3.0, 90.5, 50.0, 20.0], (100, 200)), (0, 90, 47, 100))


class SeedRegistryTest(unittest.TestCase):
    def test_training_generators_refuse_evaluation_seeds(self):
        for seed in (seeds.READER_TEST, seeds.UZ_SCENES_TEST, seeds.DET_CROP_TEST,
                     seeds.DET_CROP_VAL, seeds.READER_VAL):
            with self.assertRaises(ValueError):
                seeds.check_training_seed(seed)
        self.assertEqual(seeds.check_training_seed(30_000_001), 30_000_001)


if __name__ == "__main__":
    unittest.main()
