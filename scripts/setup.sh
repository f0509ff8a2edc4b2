#!/usr/bin/env bash
# Installs what Speaking Bots needs on a Debian/Ubuntu machine: the system packages behind the
# embedded speech engines (and, with --test, the browser and Redis the test suites drive), then
# the npm packages exactly as package-lock.json lists them. With --gguf it also adds
# node-llama-cpp, which runs GGUF models in-process (LLM_MODEL_PATH) and is not installed by
# default: with its platform binaries it weighs about 700 MB. Safe to run again: it installs only
# what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

runtime_packages=(pocketsphinx pocketsphinx-en-us libpocketsphinx3 flite libflite1 espeak-ng sox)
test_packages=(chromium tmux pocketsphinx-testdata redis-server)
# The node-llama-cpp release the GGUF support is written and tested against.
gguf_package=node-llama-cpp@3.22.1

with_tests=no
with_gguf=no
for arg in "$@"; do
  case "$arg" in
    --test) with_tests=yes ;;
    --gguf) with_gguf=yes ;;
    *) echo "setup: unknown option $arg (known: --test, --gguf)" >&2; exit 2 ;;
  esac
done

wanted=("${runtime_packages[@]}")
if [[ $with_tests == yes ]]; then wanted+=("${test_packages[@]}"); fi

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
# `npm ci` installs exactly the lock file, from scratch; it runs only when the install is missing or
# older than the lock file, since it deletes node_modules first (and with it an added GGUF runtime).
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  echo "setup: npm packages match package-lock.json"
fi

if [[ $with_gguf == yes ]]; then
  echo "setup: adding $gguf_package for LLM_MODEL_PATH (about 700 MB)"
  npm install --no-save --no-audit --no-fund "$gguf_package"
fi
