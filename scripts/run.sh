#!/usr/bin/env bash
# The main job: installs, builds, and reads the plates in sample photos.
# Usage: scripts/run.sh [IMAGE...]   (default: the real test scenes in ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
data="${SAFELANE_DATA:-../shared/data}"
if [ "$#" -eq 0 ]; then
  set -- "$data"/scenes/openimages-plates/test/images/*.jpg
fi
exec ./build/src/cli/safelane read "$@"
