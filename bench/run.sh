#!/usr/bin/env bash
# Load benchmark: Quarry (pinned to core 0, one worker) in front of the Bedrock emulator
# (core 1), against calling the emulator directly. Installs `oha` with cargo if missing.
# Usage: bench/run.sh [seconds per run, default 10]. Results: bench/results/*.json + summary.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
OUT=bench/results
mkdir -p "$OUT"
command -v oha >/dev/null || cargo install oha --locked --version 1.16.0
cargo build --release -p quarry
BIN=target/release/quarry
EMU=127.0.0.1:4010
GW=127.0.0.1:8000

cleanup() { kill "${GW_PID:-}" "${EMU_PID:-}" 2>/dev/null || true; }
trap cleanup EXIT

taskset -c 1 "$BIN" emulator --listen $EMU --workers 1 --accept-unsigned 2>"$OUT/emulator.log" &
EMU_PID=$!
AWS_ACCESS_KEY_ID=AKIAQUARRYEMULATOR00 AWS_SECRET_ACCESS_KEY=unused AWS_ENDPOINT_URL=http://$EMU \
  RUST_LOG=warn taskset -c 0 "$BIN" serve --config bench/bench.yaml --listen $GW --workers 1 \
  >/dev/null 2>"$OUT/quarry.log" &
GW_PID=$!
for _ in $(seq 50); do curl -sf -o /dev/null -X POST "http://$GW/v1/chat/completions" \
  -d '{"model":"amazon.nova-lite-v1:0","messages":[{"role":"user","content":"warm"}]}' && break; sleep 0.2; done

CHAT='{"model":"amazon.nova-lite-v1:0","max_tokens":256,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Summarise the plot of Hamlet in one paragraph, please."}]}'
STREAM='{"model":"amazon.nova-lite-v1:0","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Summarise the plot of Hamlet in one paragraph, please."}]}'
CONVERSE='{"system":[{"text":"You are a helpful assistant."}],"messages":[{"role":"user","content":[{"text":"Summarise the plot of Hamlet in one paragraph, please."}]}],"inferenceConfig":{"maxTokens":256}}'
DIRECT="http://$EMU/model/amazon.nova-lite-v1%3A0"

run() { # name, extra oha args..., url
  local name=$1; shift
  taskset -c 1 oha --no-tui --output-format json -z "${SECS}s" "$@" > "$OUT/$name.json"
  python3 - "$OUT/$name.json" "$name" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["summary"]; p = d["latencyPercentiles"]
print(f'{sys.argv[2]:<28} {s["requestsPerSec"]:>10.0f} req/s  p50 {p["p50"]*1000:7.3f} ms  p99 {p["p99"]*1000:7.3f} ms  ok {s["successRate"]*100:5.1f}%')
PY
}
rss() { awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$GW_PID/status; }

echo "quarry RSS idle: $(rss)"
run direct-max      -c 32 -m POST -H 'content-type: application/json' -d "$CONVERSE" "$DIRECT/converse"
run quarry-max      -c 32 -m POST -H 'content-type: application/json' -d "$CHAT" "http://$GW/v1/chat/completions"
run direct-1000rps  -q 1000 -c 16 -m POST -H 'content-type: application/json' -d "$CONVERSE" "$DIRECT/converse"
run quarry-1000rps  -q 1000 -c 16 -m POST -H 'content-type: application/json' -d "$CHAT" "http://$GW/v1/chat/completions"
run quarry-native-1000rps -q 1000 -c 16 -m POST -H 'content-type: application/json' -d "$CONVERSE" "http://$GW/bedrock/model/amazon.nova-lite-v1%3A0/converse"
run quarry-native-max -c 32 -m POST -H 'content-type: application/json' -d "$CONVERSE" "http://$GW/bedrock/model/amazon.nova-lite-v1%3A0/converse"
run direct-stream   -c 32 -m POST -H 'content-type: application/json' -d "$CONVERSE" "$DIRECT/converse-stream"
run quarry-stream   -c 32 -m POST -H 'content-type: application/json' -d "$STREAM" "http://$GW/v1/chat/completions"
echo "quarry RSS after load: $(rss)"

# 1,000 concurrent open streams: each stream takes 20 s upstream; sample RSS mid-way.
SLOW='{"model":"quarry.fault-slow-20000","stream":true,"messages":[{"role":"user","content":"hold the line"}]}'
taskset -c 1 oha --no-tui --output-format json -n 1000 -c 1000 -m POST -H 'content-type: application/json' \
  -d "$SLOW" "http://$GW/v1/chat/completions" > "$OUT/streams-1000.json" &
OHA=$!
sleep 10
echo "quarry RSS with 1000 open streams: $(rss) (open sockets: $(ls /proc/$GW_PID/fd | wc -l))"
wait $OHA
python3 -c "import json;s=json.load(open('$OUT/streams-1000.json'))['summary'];print('1000 streams ok', round(s['successRate']*100,1), '%')"
