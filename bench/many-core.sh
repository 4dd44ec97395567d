#!/bin/bash
# The many-core runs in bench/results/many-core/: the bench suites at chosen
# thread counts on a machine with more cores than this 2-core one.
# Usage: bash bench/many-core.sh [--quick|full] RUN...   RUN: pool15 pool2 scaling placements15
# Writes RUN.json and RUN.md (results and report) to $OUT (default /tmp/devout).
# Needs the build (dist/, build/). A machine without Node gets one from
# .dev/node.xz, and node_modules from .dev/nm.tar.xz, when they are there:
#   xz -c "$(readlink -f "$(which node)")" > .dev/node.xz
#   tar -cf - node_modules | xz > .dev/nm.tar.xz   (the dev tools can be left out)
set -u
Q=${1:-full}; [ "$Q" = full ] && Q=; shift
OUT=${OUT:-/tmp/devout}; mkdir -p "$OUT"
if ! command -v node >/dev/null; then xz -dc .dev/node.xz > /tmp/node && chmod +x /tmp/node && export PATH=/tmp:$PATH; fi
[ -d node_modules ] || tar -xJf .dev/nm.tar.xz
{ node -v; nproc; grep -m1 'model name' /proc/cpuinfo; } 2>&1 | tee "$OUT/machine.txt"
run() { # name, args...
  local name=$1; shift
  local t0=$SECONDS
  node dist/src/cli/hotpath.js bench $Q --quiet --out "/tmp/r-$name" "$@" > "/tmp/r-$name.log" 2>&1
  echo "== $name rc=$? $((SECONDS - t0)) s"
  cp "/tmp/r-$name/results.json" "$OUT/$name.json" 2>/dev/null
  cp "/tmp/r-$name/report.md" "$OUT/$name.md" 2>/dev/null
  tail -12 "/tmp/r-$name.log"
}
for r in "$@"; do
  case $r in
    pool15) run pool15 --only pool --threads 15 ;;
    pool2) run pool2 --only pool --threads 2 ;;
    scaling) run scaling --only scaling ;;
    placements15) run placements15 --only placements --threads 15 ;;
  esac
done
