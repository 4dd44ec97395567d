#!/usr/bin/env bash
# hotpath batch toplist against NumPy, with a worker killed mid-batch:
# 4M Zipf-distributed play events (numpy, seed 7) in 4 partitions. Worker 1
# alone takes the parts and is SIGKILLed once the first part is done, while
# it holds the next; worker 2 starts then and must retake the stalled part.
# Prints whether the merged top 20 equals NumPy's exact one. Needs the build
# (npm run build), redis-server, python3 with numpy and bc.
set -euo pipefail
cd "$(dirname "$0")/.."
H=dist/src/cli/hotpath.js
DIR=$(mktemp -d)
PORT=${PORT:-6399}
python3 - "$DIR" <<'PY'
import json, sys
import numpy as np
d = sys.argv[1]
ev = np.minimum(np.random.default_rng(7).zipf(1.3, size=4_000_000), 2**32 - 1).astype('<u4')
ev.tofile(f'{d}/events.u32')
ids, counts = np.unique(ev, return_counts=True)
top = np.lexsort((ids, -counts))[:20]
json.dump({'items': [{'id': int(ids[i]), 'count': int(counts[i])} for i in top]}, open(f'{d}/numpy.json', 'w'))
PY
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --logfile "$DIR/redis.log"
trap 'redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true' EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.05; done
W=(--redis "redis://127.0.0.1:$PORT" --threads 1 --lock-duration-ms 2000 --stalled-interval-ms 1000)
node $H worker "${W[@]}" > "$DIR/w1.log" 2>&1 & W1=$!
until grep -q '"msg"' "$DIR/w1.log" 2>/dev/null; do sleep 0.05; done
start=$(date +%s.%N)
node $H batch toplist --events "$DIR/events.u32" --k 20 --partitions 4 --redis "redis://127.0.0.1:$PORT" --progress > "$DIR/ours.json" 2> "$DIR/progress.log" & B=$!
until grep -q '1/4 parts' "$DIR/progress.log"; do sleep 0.02; done
kill -9 "$W1"
node $H worker "${W[@]}" > "$DIR/w2.log" 2>&1 & W2=$!
wait "$B"
echo "batch: $(echo "$(date +%s.%N) - $start" | bc) s, worker 1 SIGKILLed after part 1 of 4; retaken: $(grep -c 'stalled' "$DIR/w2.log") part(s)"
kill "$W2"
cmp -s <(node -p "JSON.stringify(require('$DIR/ours.json'))") <(node -p "JSON.stringify(require('$DIR/numpy.json'))") \
  && echo "top 20 of 4M Zipf events: identical to NumPy" || { echo "DIFFERENT from NumPy (see $DIR)"; exit 1; }
