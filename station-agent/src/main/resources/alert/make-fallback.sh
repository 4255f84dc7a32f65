#!/usr/bin/env bash
# Regenerates fallback-vi.mp3, the announcement a station plays after an alert's preamble when it
# cannot fetch the alert's own audio. Deterministic: the same espeak-ng (1.51) and lame (3.100)
# give byte-identical output, so re-running it shows no git diff.
# Needs: espeak-ng, lame (Debian packages). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

vi_text="Thông báo khẩn cấp. Xin bà con chú ý nghe loa và làm theo hướng dẫn của chính quyền địa phương."
en_text="Emergency announcement: please listen and follow the local authorities' instructions."

# The voice settings of vn.loalang.audio.speech.EspeakSpeechEngine (audio-content), so that the
# fallback sounds like the alerts spoken at the commune office: keep the two in step.
speak() { # language text out.wav
  printf '%s' "$2" | espeak-ng -v "$1" -s 140 -g 2 -p 50 -a 75 -b 1 -w "$3" --stdin
}
# The samples of an espeak-ng WAV: it writes the canonical 44-byte header (22.05 kHz mono 16-bit).
samples() {
  if [ "$(head -c 4 "$1")" != RIFF ] || [ "$(tail -c +37 "$1" | head -c 4)" != data ]; then
    echo "$1 does not have the 44-byte WAV header espeak-ng 1.51 writes; this script needs updating" >&2
    exit 1
  fi
  tail -c +45 "$1"
}

# A WAV header for $1 bytes of 22.05 kHz mono 16-bit samples (little-endian sizes).
le32() { printf "$(printf '%08x' "$1" | sed -E 's/(..)(..)(..)(..)/\\x\4\\x\3\\x\2\\x\1/')"; }
wav_header() {
  printf RIFF; le32 $((36 + $1)); printf 'WAVEfmt '; le32 16
  printf '\x01\x00\x01\x00'; le32 22050; le32 44100; printf '\x02\x00\x10\x00'
  printf data; le32 "$1"
}

speak vi "$vi_text" "$tmp/vi.wav"
speak en "$en_text" "$tmp/en.wav"
# Vietnamese, 0.8 s of silence (16-bit mono at 22.05 kHz: 35280 bytes), then English.
{ samples "$tmp/vi.wav"; head -c 35280 /dev/zero; samples "$tmp/en.wav"; } > "$tmp/all.pcm"
{ wav_header "$(stat -c %s "$tmp/all.pcm")"; cat "$tmp/all.pcm"; } > "$tmp/all.wav"
# 56 kbps mono at 22.05 kHz: speech stays clear, and the first frame (183 bytes) is large enough
# for the Xing/Info + LAME tag that the gapless trim reads (at 48 kbps, 156 bytes, lame omits it).
lame --quiet --noreplaygain -m m -b 56 --resample 22.05 "$tmp/all.wav" fallback-vi.mp3
