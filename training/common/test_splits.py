"""Held-out split rules: a plate's side is fixed by its text, both sides are disjoint."""
import unittest

from training.common import splits


class SplitRules(unittest.TestCase):
    def test_test_share_is_about_a_fifth(self):
        texts = [f"{r:02d}A{n:03d}BC" for r in range(10, 96, 5) for n in range(0, 1000, 7)]
        share = sum(splits.is_test_text(t) for t in texts) / len(texts)
        self.assertGreater(share, 0.15)
        self.assertLess(share, 0.25)

    def test_side_depends_on_text_only_not_case(self):
        for text in ("AXK3125", "01A123BC", "ABC1D23"):
            self.assertEqual(splits.is_test_text(text), splits.is_test_text(text.lower()))
            self.assertNotEqual(splits.in_split(text, "train"), splits.in_split(text, "test"))
            self.assertTrue(splits.in_split(text, "all"))

    def test_unknown_split_is_refused(self):
        with self.assertRaises(ValueError):
            splits.in_split("AXK3125", "validation")

    def test_br_text_from_file_names(self):
        self.assertEqual(splits.br_text_from_name("_CC_011241_AXK3125.JPG"), "AXK3125")
        self.assertEqual(splits.br_text_from_name("pl_ABC1D23.png"), "ABC1D23")
        # A token glued to other characters is not a plate text.
        self.assertIsNone(splits.br_text_from_name("XAXK3125.jpg"))
        self.assertIsNone(splits.br_text_from_name("photo.jpg"))


@unittest.skipUnless((splits.data_dir() / "plates" / "crops-br").is_dir(), "no shared data")
class SplitsOnTheSharedData(unittest.TestCase):
    def test_train_and_test_texts_are_disjoint(self):
        for lister, text_at in ((splits.br_crops, 1), (splits.us_crops, 1)):
            train = {row[text_at] for row in lister(split="train")}
            test = {row[text_at] for row in lister(split="test")}
            self.assertTrue(train and test)
            self.assertFalse(train & test)
            self.assertEqual(len(lister(split="all")),
                             len(lister(split="train")) + len(lister(split="test")))


if __name__ == "__main__":
    unittest.main()
