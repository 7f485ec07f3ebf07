#!/bin/bash
# Trains the plate detector and the plate reader side by side on the GPU machine.
#
#   /usr/bin/python3 -m training.device_pack --out .gpu      # here: the training data
#   cp <detector ckpt> .gpu/ckpt/det.pt; cp <reader ckpt> .gpu/ckpt/reader.pt
#   device run, carry [".gpu"]: bash training/device_train.sh $OUT 7.5
#
# The GPU does the arithmetic; its 16 cores render the training samples (detector
# scenes in DET_WORKERS processes, reader samples in READER_WORKERS), which is what
# limits the step rate. Each run keeps best.pt (by its validation score), last.pt and
# log.jsonl under OUT/det and OUT/reader. The same scripts train on CPU without
# --device cuda (models/*.md give those commands).
set -u
out=${1:?usage: device_train.sh OUT [MINUTES]}
minutes=${2:-7.5}
det_workers=${DET_WORKERS:-9}
reader_workers=${READER_WORKERS:-5}
# The renderer's fonts (Debian packages here; carried in .gpu/fonts there).
mkdir -p /usr/share/fonts/truetype && cp -r .gpu/fonts/. /usr/share/fonts/truetype/
export SAFELANE_DATA=.gpu/data PYTHONUNBUFFERED=1
nproc
nvidia-smi -L
python3 -m training.detector.train --device cuda --workers "$det_workers" --batch 64 \
  --out "$out/det" --minutes "$minutes" --init .gpu/ckpt/det.pt --lr "${DET_LR:-2e-3}" \
  --warmup 100 --real-frac 0.6 --small-boost 3 --max-zoom 2.5 --val-every 300 \
  --seed "${DET_SEED:-6}" >"$out/det.log" 2>&1 &
det=$!
python3 -m training.reader.train --device cuda --workers "$reader_workers" --batch 256 \
  --out "$out/reader" --steps 1000000 --minutes "$minutes" --warmup 100 \
  --init .gpu/ckpt/reader.pt --lr "${READER_LR:-1e-3}" --val-every 200 \
  --real 0.3 --live-synth 0.3 --live-det 0.3 --pseudo 0.1 \
  --pseudo-file .gpu/data/pseudo_eu.json --det-model "${READER_DET_MODEL:-models/plate_detector.onnx}" \
  --val-cache .gpu/cache/synth_val.npz .gpu/cache/det_val_30500000.npz \
  --seed "${READER_SEED:-9}" >"$out/reader.log" 2>&1 &
reader=$!
wait $det
echo "detector exit $?"
wait $reader
echo "reader exit $?"
tail -n 3 "$out/det.log" "$out/reader.log"
