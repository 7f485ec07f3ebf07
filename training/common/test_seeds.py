"""The seed registry keeps evaluation seeds out of every training range."""
import unittest

from training.common import seeds


class SeedRegistry(unittest.TestCase):
    def test_held_out_seeds_are_refused_for_training(self):
        for seed in seeds.HELD_OUT:
            with self.assertRaises(ValueError):
                seeds.check_training_seed(seed)
        self.assertEqual(seeds.check_training_seed(1002), 1002)

    def test_training_ranges_miss_every_held_out_seed(self):
        for seed in seeds.HELD_OUT:
            self.assertNotIn(seed, seeds.DET_CROP_TRAIN)
            self.assertFalse(1001 <= seed <= 1999, seed)


if __name__ == "__main__":
    unittest.main()
