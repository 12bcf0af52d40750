#!/usr/bin/env bash
# Builds the stand-in vendor SDK libraries that the Spinnaker and IC4 backends are tested against (the SDKs cannot be
# installed here). Each folder tests/native/<name>/ holds standin.c and a SONAME file naming the library it stands in
# for (e.g. libSpinnaker_C.so.4); the library is written to <out>/<name>/<soname>.
#   usage: build-standins.sh <out-dir>
# Prints one line per library: <name> <path>. Exits non-zero (with the compiler's words) when a build fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: build-standins.sh <out-dir>}"
cc="${CC:-cc}"
command -v "$cc" >/dev/null || { echo "the C compiler '$cc' was not found; install gcc (Debian: apt-get install gcc libc6-dev)" >&2; exit 2; }
for dir in "$here"/*/; do
  name="$(basename "$dir")"
  [ -f "$dir/standin.c" ] && [ -f "$dir/SONAME" ] || continue
  soname="$(head -n 1 "$dir/SONAME" | tr -d '[:space:]')"
  mkdir -p "$out/$name"
  tmp="$out/$name/.$soname.$$"
  "$cc" -shared -fPIC -O1 -g -std=gnu11 -Wall -Wextra -Werror -pthread -I"$dir" -o "$tmp" "$dir"/*.c
  mv -f "$tmp" "$out/$name/$soname"
  echo "$name $out/$name/$soname"
done
