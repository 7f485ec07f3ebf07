#!/usr/bin/env bash
# Installs every Debian 12 package SafeLane needs (idempotent, non-interactive).
# Usage: scripts/setup.sh [--with-training]
#   --with-training  also installs PyTorch/ONNX for the scripts in training/.
set -euo pipefail

want_training=0
for arg in "$@"; do
  case "$arg" in
    --with-training) want_training=1 ;;
    *) echo "setup.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  clang-format clang-tidy
  libopencv-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev ffmpeg
  libsodium-dev libsqlite3-dev sqlite3 zlib1g-dev libpqxx-dev postgresql
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev libtoml11-dev
  libcpp-httplib-dev libssl-dev openssl wrk
  gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gir1.2-gst-rtsp-server-1.0 python3-gi python3-gst-1.0
  libgtest-dev libgmock-dev libbenchmark-dev
  fonts-opendin fonts-dejavu-core fonts-dejavu-extra fonts-roadgeek
  python3 python3-numpy python3-opencv python3-pil
)
if [ "$want_training" = 1 ]; then
  packages+=(python3-torch python3-onnx)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup.sh: all ${#packages[@]} packages already installed"
fi
