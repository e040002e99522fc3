#!/usr/bin/env bash
# Prints the path of the oneMKL-on-AMD preload library (see mkl-on-amd.c), compiling it when missing or stale.
# Prints nothing when it does not apply (not an AMD processor, VLT_MKL_AMD=0) or cannot be built (no C compiler).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "${VLT_MKL_AMD:-1}" = "0" ] && exit 0
grep -q -m1 AuthenticAMD /proc/cpuinfo 2>/dev/null || exit 0
out="$here/../target/native/libvlt-mkl-amd.so"
if [ ! -f "$out" ] || [ "$here/mkl-on-amd.c" -nt "$out" ]; then
  cc="$(command -v cc || command -v gcc || true)"
  [ -n "$cc" ] || exit 0
  mkdir -p "$(dirname "$out")"
  "$cc" -shared -fPIC -O2 -o "$out.tmp" "$here/mkl-on-amd.c" 2>/dev/null || { rm -f "$out.tmp"; exit 0; }
  mv "$out.tmp" "$out"
fi
echo "$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
