#!/usr/bin/env bash
# Regenerates the spoken test fixtures (16 kHz mono s16 WAV) with flite and espeak-ng.
set -euo pipefail
out="$(dirname "$0")/../test/fixtures/speech"
mkdir -p "$out"
tmp=$(mktemp -d)
say_flite() { flite -voice "$1" -t "$2" -o "$tmp/raw.wav"; sox "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$out/$3.wav"; }
say_espeak() { espeak-ng -v en-us -s 160 -w "$tmp/raw.wav" "$1"; sox "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$out/$2.wav"; }
say_flite awb "What is the weather like in Paris today?" weather-question
say_flite slt "Can you tell me the time in Tokyo?" time-question
say_flite rms "Please stop talking and listen to me for a moment." interruption
say_espeak "Hello everyone, thanks for joining the meeting." greeting-espeak
rm -rf "$tmp"
ls -l "$out"
