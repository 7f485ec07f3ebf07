#!/usr/bin/env bash
# The main job, end to end on one machine: installs and builds SafeLane, renders a street
# video (real vehicle photos carrying synthetic Uzbek plates), runs the camera node on it
# (vehicle and plate detection, reading, tracking, one signed read per passing vehicle with
# its evidence) into the central store, checks the installation with `safelane doctor`, then
# serves the HTTPS API over that store until Ctrl-C.
# Usage: scripts/run.sh          state lives in $SAFELANE_HOME (default ./run, mode 0700)
#        scripts/run.sh read IMAGE...   only read the plates in still images
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
safelane=./build/src/cli/safelane
data="${SAFELANE_DATA:-$(cd .. && pwd)/shared/data}"

if [ "${1:-}" = read ]; then
  shift
  [ "$#" -gt 0 ] || set -- "$data"/scenes/openimages-plates/test/images/*.jpg
  exec "$safelane" read "$@"
fi

home="${SAFELANE_HOME:-$PWD/run}"
umask 077
mkdir -p "$home/keys"
store="$home/store"
master="$home/keys/master.key"

if [ ! -f "$home/video/test.mp4" ]; then
  echo "== rendering the street video (vehicles with known plates: $home/video/truth.json)"
  /usr/bin/python3 tests/camera/make_test_video.py --data "$data" --out "$home/video"
fi
if [ ! -f "$store/safelane.db" ]; then
  echo "== creating the store and the first administrator (one-time token below)"
  "$safelane" admin init --data "$store" --master-key "$master" --username admin \
    --display-name "First administrator"
fi
[ -f "$home/keys/cam-1.key" ] || "$safelane" camera --keygen "$home/keys/cam-1.key"
cat >"$home/camera.toml" <<TOML
[camera]
id = "cam-1"
name = "Amir Temur avenue, northbound"
latitude = 41.3111
longitude = 69.2797
heading_deg = 0
city = "Tashkent"
countries = ["uz"]
signing_key_file = "keys/cam-1.key"
[stream]
url = "video/test.mp4"
replay = "fast"
[pipeline]
vehicle_model_dir = "$data/models/yolo-fastest-1.1-coco"
[evidence]
dir = "evidence"
[sink]
store_dir = "store"
master_key_file = "keys/master.key"
spool_dir = "spool"
TOML
"$safelane" camera --config "$home/camera.toml" --register
echo "== camera node: one read per passing vehicle"
"$safelane" camera --config "$home/camera.toml"
echo "== security self-check"
"$safelane" doctor --data "$store" --master-key "$master" || true
echo "== serving https://127.0.0.1:8443 (activate the administrator with:"
echo "   $safelane admin activate --data $store --master-key $master --username admin)"
exec "$safelane" serve --data "$store" --master-key "$master" --listen 127.0.0.1:8443
