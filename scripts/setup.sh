#!/usr/bin/env bash
# Installs what Speaking Bots needs on a Debian/Ubuntu machine: the system packages behind the
# embedded speech engines (and, with --test, the browser and Redis the test suites drive), then
# the npm packages. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

runtime_packages=(pocketsphinx pocketsphinx-en-us libpocketsphinx3 flite libflite1 espeak-ng sox)
test_packages=(chromium tmux pocketsphinx-testdata redis-server)

wanted=("${runtime_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then wanted+=("${test_packages[@]}"); fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi

if ((${#missing[@]})); then
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo_cmd=(sudo -n); else sudo_cmd=(none); fi
  fi
  if [[ "${sudo_cmd[0]:-}" == "none" ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: cannot install system packages here; missing: ${missing[*]}" >&2
    echo "setup: the server still starts and reports which local engines are unavailable." >&2
  else
    echo "setup: installing system packages: ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# onnxruntime-node ships its CPU binary in the npm tarball; its install step would only try to
# download GPU libraries, which this project never uses.
export ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
# `npm install` follows package-lock.json; `npm ci` is avoided because it rejects this lock file over
# node-llama-cpp's platform packages that do not exist for every platform.
npm install --no-audit --no-fund
