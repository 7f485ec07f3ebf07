#!/usr/bin/env bash
# The main job, end to end on one machine: installs and builds SafeLane, renders a street
# video (real vehicle photos carrying synthetic Uzbek plates), runs the camera node on it
# (vehicle and plate detection, reading, tracking, one signed read per passing vehicle with
# its evidence), which delivers its signed events over HTTPS (certificate pinned) to the
# central server, checks the running installation with `safelane doctor`, then keeps
# serving the HTTPS API until Ctrl-C.
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
# The camera's identity and pipeline, shared by its two configs below.
camera_toml() {
  cat <<TOML
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
# The rendered street's two lanes (tests/camera/make_test_video.py): plates of lane 0 sit
# above 0.55 of the frame height, those of lane 1 below.
[[lane]]
id = "0"
polygon = [[0, 0], [1, 0], [1, 0.55], [0, 0.55]]
direction = "left_to_right"
[[lane]]
id = "1"
polygon = [[0, 0.55], [1, 0.55], [1, 1], [0, 1]]
direction = "right_to_left"
TOML
}
# Enrolment writes the camera's public key into the store directly (an administrator on
# the server host); a deployed camera is enrolled with POST /api/v1/cameras instead.
{ camera_toml; printf '[sink]\nkind = "store"\nstore_dir = "store"\nmaster_key_file = "keys/master.key"\nspool_dir = "spool"\n'; } >"$home/camera-enrol.toml"
"$safelane" camera --config "$home/camera-enrol.toml" --register

echo "== starting the server on https://127.0.0.1:8443"
"$safelane" serve --data "$store" --master-key "$master" --listen 127.0.0.1:8443 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT INT TERM
fingerprint=""
for _ in $(seq 1 100); do
  fingerprint=$(openssl s_client -connect 127.0.0.1:8443 </dev/null 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2) || true
  [ -n "$fingerprint" ] && break
  kill -0 "$server" 2>/dev/null || { echo "the server did not start" >&2; exit 1; }
  sleep 0.2
done
[ -n "$fingerprint" ] || { echo "the server did not answer on 127.0.0.1:8443" >&2; exit 1; }

{ camera_toml; printf '[sink]\nkind = "https"\nurl = "https://127.0.0.1:8443"\nserver_fingerprint = "%s"\nspool_dir = "spool"\n' "$fingerprint"; } >"$home/camera.toml"
echo "== camera node: one read per passing vehicle, delivered over HTTPS (pinned $fingerprint)"
"$safelane" camera --config "$home/camera.toml"
echo "== security self-check of the running installation"
"$safelane" doctor --data "$store" --master-key "$master" --url https://127.0.0.1:8443 \
  --fingerprint "$fingerprint" || true
echo "== serving https://127.0.0.1:8443 until Ctrl-C (activate the administrator with:"
echo "   $safelane admin activate --data $store --master-key $master --username admin)"
wait "$server"
