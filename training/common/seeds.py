"""Seed registry: every random seed that renders training, validation or test data.

A test set is only held out if no training run ever draws from its seed, so new data
generators take a fresh range here and say so. Values are the seeds handed to
PlateSampler / SceneComposer / numpy (see each user for how it derives sub-seeds).

Evaluation and test (NEVER train on these):
- 424242      reader synthetic Uzbek test (training/reader/evaluate.py TEST_SEED);
              also the detector's synthetic validation scenes (training/detector/train.py)
- 10_012_345  engine's Uzbek scenes (training/eval/make_uz_scenes.py: 10,000,000 + 12345)
- 20_000_000  speed frames (bench/make_speed_frames.py)
- 3           camera test video (tests/camera/make_test_video.py, PlateSampler seed)
- 30_900_000  reader detector-crop test (training/reader/evaluate.py DET_TEST_SEED)

Validation (checkpoint choice only):
- 777         reader synthetic Uzbek validation cache (synth_val.npz)
- 30_500_000  reader detector-crop validation cache (det_val_30500000.npz)
- 10_000_777  engine's Uzbek validation scenes (make_uz_scenes.py --seed 777): crop margin
              and second-view margin choices (docs/accuracy.md)

Training:
- 1001..1999  reader caches (make_cache.py: chars 1001, renderer 1002..)
- seed*100+w  detector scenes (training/detector/dataset.py, seed < 10,000)
- 30_000_001..30_499_999  reader detector-crop caches (make_det_cache.py)
- 40_000_000..40_199_999  reader samples rendered live (training/reader/live.py: renderer
              40,000,000 + seed*100 + worker, detector crops 100,000 above that)
"""

READER_TEST = 424242
UZ_SCENES_TEST = 10_012_345
SPEED_FRAMES = 20_000_000
CAMERA_VIDEO = 3
DET_CROP_TEST = 30_900_000
READER_VAL = 777
DET_CROP_VAL = 30_500_000
UZ_SCENES_VAL = 10_000_777
DET_CROP_TRAIN = range(30_000_001, 30_500_000)
READER_LIVE = range(40_000_000, 40_100_000)
READER_LIVE_DET_OFFSET = 100_000

HELD_OUT = frozenset({READER_TEST, UZ_SCENES_TEST, SPEED_FRAMES, CAMERA_VIDEO, DET_CROP_TEST,
                      READER_VAL, DET_CROP_VAL, UZ_SCENES_VAL})


def check_training_seed(seed):
    """Raises ValueError when a training generator is handed an evaluation seed."""
    if seed in HELD_OUT:
        raise ValueError(f"seed {seed} is reserved for evaluation/validation (training/common/seeds.py)")
    return seed
