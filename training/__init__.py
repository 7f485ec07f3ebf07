"""SafeLane training code: data splits, synthetic plates, detector and reader training."""
