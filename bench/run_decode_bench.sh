#!/usr/bin/env bash
# Reproduces the camera decode table in docs/performance.md (release build).
# Usage: bench/run_decode_bench.sh [BUILD_DIR] [MEDIA_DIR]
# Makes 1080p25 and 2160p25 H.264 test streams shaped like IP-camera output (sensor noise,
# constant bitrate 6 and 16 Mbit/s, a key frame every 2 s, no B-frames), then decodes
# each on one and on two decoder threads.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
media="${2:-/tmp/safelane-decode-media}"
mkdir -p "$media"
make() {  # name size bitrate
  [ -f "$media/$1.mp4" ] && return
  ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=$2:rate=25" -t 8 \
    -vf "noise=alls=6:allf=t" -c:v libx264 -preset veryfast -profile:v main -bf 0 -g 50 \
    -b:v "$3" -maxrate "$3" -bufsize "$3" -pix_fmt yuv420p "$media/$1.mp4"
}
make 1080p25 1920x1080 6M
make 2160p25 3840x2160 16M
for threads in 1 2; do
  "$build/bench/safelane-bench-decode" --threads "$threads" --repeat "${REPEAT:-3}" \
    "$media/1080p25.mp4" "$media/2160p25.mp4"
done
for name in 1080p25 2160p25; do  # one process per stream: its memory alone
  "$build/bench/safelane-bench-decode" --memory "$media/$name.mp4"
done
