#!/usr/bin/env bash
# Runs a fixed set of scenarios on two builds of bpusim and diffs every simulated output, host
# fields aside. Refactors and speed work must print "identical" for every scenario; a deliberate
# model change says in its commit which figures moved.
#
#   bash test/regress/report-diff.sh <base-ref> [<new-ref>|WORKTREE]
#
# Each ref is checked out into a temporary worktree (sharing this checkout's node_modules) and
# built with tsc; WORKTREE (the default for the second) uses this checkout's working tree as it is.
# Outputs land in $OUT (default /tmp/bpusim-report-diff/<name>/<scenario>.json); COMPARE_ONLY=1
# diffs the last outputs again.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
base=${1:?usage: report-diff.sh <base-ref> [<new-ref>|WORKTREE]}
next=${2:-WORKTREE}
out=${OUT:-/tmp/bpusim-report-diff}
mkdir -p "$out"

build() { # ref name -> prints the build's directory
  local ref=$1 name=$2 dir
  if [ "$ref" = WORKTREE ]; then
    (cd "$root" && npx tsc -p tsconfig.json >&2)
    echo "$root"
    return
  fi
  dir="$out/tree-$name"
  rm -rf "$dir"
  git -C "$root" worktree prune
  git -C "$root" worktree add --detach "$dir" "$ref" >&2
  ln -s "$root/node_modules" "$dir/node_modules"
  [ -d "$root/build" ] && ln -s "$root/build" "$dir/build"
  (cd "$dir" && npx tsc -p tsconfig.json >&2)
  echo "$dir"
}

inputs="$out/inputs"
mkdir -p "$inputs"
cat > "$inputs/raft-faults.yaml" <<'Y'
events:
  - { atMs: 80, kind: crash, node: 0 }
  - { atMs: 200, kind: restart, node: 0 }
  - { atMs: 0, kind: network, drop: 0.02, duplicate: 0.01, delay: 0.05, delayMaxMs: 3 }
Y
cat > "$inputs/pbft-faults.yaml" <<'Y'
byzantine: { "0": withhold }
events:
  - { atMs: 0, kind: slow, node: 2, extraMsPerMessage: 1 }
Y
cat > "$inputs/corrupt.yaml" <<'Y'
events: [ { atMs: 300, kind: corrupt-write, peer: 2 } ]
Y
cat > "$inputs/dc4.yaml" <<'Y'
name: dc4
sites: { dc1: { link: { latencyUs: 100, gbps: 25 } } }
orgs: [ { site: dc1, peers: 1 }, { site: dc1, peers: 1 }, { site: dc1, peers: 1 }, { site: dc1, peers: 1 } ]
endorsementPolicy: "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer', 'Org4MSP.peer')"
orderers: { count: 4, site: dc1 }
clients: { count: 16, site: dc1 }
proxy: { site: dc1 }
batch: { maxMessageCount: 500, preferredMaxBytes: 2097152, absoluteMaxBytes: 10485760, timeoutMs: 200 }
Y
cat > "$inputs/grid.yaml" <<'Y'
base: { arch: bpu-2019, topology: dc, workload: kv, duration: 60ms, crypto: modeled }
vary:
  rate: [10000, 30000]
  arch.engines.crypto.verify.p256.lanes: [16, 128]
Y

# name|command (run in the build's directory; {OUT} is the scenario's output prefix, {IN} the inputs)
scenarios=(
  "real-smallbank|run --rate 10000 --duration 100ms --out {OUT}.json"
  "modeled-kv-continental|run --crypto modeled --workload kv --topology continental --rate 20000 --duration 300ms --out {OUT}.json"
  "raft-faults|run --crypto modeled --ordering raft --topology {IN}/dc4.yaml --faults {IN}/raft-faults.yaml --rate 10000 --duration 300ms --out {OUT}.json"
  "pbft-byzantine|run --crypto modeled --ordering pbft --topology {IN}/dc4.yaml --faults {IN}/pbft-faults.yaml --rate 5000 --duration 300ms --out {OUT}.json"
  "audit-corrupt-join|run --crypto modeled --rate 20000 --duration 1s --audit-every 4 --join-peer-at 500ms --faults {IN}/corrupt.yaml --out {OUT}.json"
  "join-replay-grow|run --crypto modeled --rate 10000 --duration 400ms --join-peer-at 200ms --join replay --grow-peers-every 100ms --out {OUT}.json"
  "bls-real|run --endorsement-scheme bls --rate 2000 --duration 100ms --baseline none --out {OUT}.json"
  "ed25519-ycsb|run --crypto modeled --endorsement-scheme ed25519 --workload ycsb-a --rate 20000 --duration 200ms --out {OUT}.json"
  "trace-record|trace record --workload smallbank --rate 5000 --duration 200ms --out {OUT}.jsonl"
  "trace-replay|run --trace {IN}/replay.jsonl --crypto modeled --duration 200ms --record-trace {OUT}.rec.jsonl --timeline {OUT}.timeline.json --out {OUT}.json"
  "closed-seeds-sweep|run --crypto modeled --arrival closed:4:1 --rate 10000 --duration 200ms --seeds 3 --sweep peers=4,8 --target-tps 5000 --out {OUT}.json"
  "mdm-hybrid-bursty|run --crypto modeled --workload mdm-token --topology hybrid --arrival bursty:20000:2000:20:10 --rate 10000 --duration 300ms --out {OUT}.json"
  "sweep-consensus|sweep consensus --protocol pbft --orderers 4,7 --rate 5000 --json"
  "fuzz-raft|fuzz consensus --protocol raft --seeds 20 --json"
  "size|size --target-tps 20000 --out {OUT}.json"
  "sweep-grid|sweep {IN}/grid.yaml --workers 2 --out {OUT}.json"
)

run_all() { # dir name
  local dir=$1 name=$2 entry sname cmd
  local dest="$out/$name"
  rm -rf "$dest"; mkdir -p "$dest"
  # The replay input is the base build's recorded trace, so both builds replay the same file.
  for entry in "${scenarios[@]}"; do
    sname=${entry%%|*}; cmd=${entry#*|}
    cmd=${cmd//\{OUT\}/$dest/$sname}; cmd=${cmd//\{IN\}/$inputs}
    if [ "$sname" = trace-replay ] && [ ! -f "$inputs/replay.jsonl" ]; then cp "$dest/trace-record.jsonl" "$inputs/replay.jsonl"; fi
    local t0=$SECONDS
    # shellcheck disable=SC2086
    (cd "$dir" && node dist/cli/main.js $cmd > "$dest/$sname.stdout" 2> "$dest/$sname.stderr") || echo "exit $?" >> "$dest/$sname.stdout"
    echo "  $name $sname: $((SECONDS - t0)) s" >&2
  done
}

# Host fields (wall time, RSS, node version, the progress bar) are not simulated figures.
strip() {
  node -e '
const fs = require("node:fs");
const text = fs.readFileSync(process.argv[1], "utf8");
// Paths name the output folder of each build; replaced, a summary line naming the report is the same.
const plain = text.split(process.argv[2]).join("OUT");
let value;
try { value = JSON.parse(plain); } catch { value = undefined; }
const drop = (v) => {
  if (Array.isArray(v)) return v.map(drop);
  if (v === null || typeof v !== "object") return v;
  const o = {};
  for (const [k, x] of Object.entries(v)) if (k !== "host" && !/wall|rss|elapsed/i.test(k)) o[k] = drop(x);
  return o;
};
// No process.exit: it can cut a large write to a pipe short.
process.stdout.write(value === undefined ? plain : JSON.stringify(drop(value), null, 1));
' "$1" "$2"
}

# COMPARE_ONLY=1 diffs the outputs of the last run again without building or running.
if [ "${COMPARE_ONLY:-0}" != 1 ]; then
  rm -f "$inputs/replay.jsonl"
  a=$(build "$base" base)
  b=$(build "$next" new)
  echo "base: $base ($a); new: $next ($b)" >&2
  run_all "$a" base
  run_all "$b" new
fi
status=0
for entry in "${scenarios[@]}"; do
  sname=${entry%%|*}
  files=$(cd "$out/base" && ls "$sname".* 2>/dev/null | grep -v stderr)
  same=1
  for f in $files; do
    if ! diff <(strip "$out/base/$f" "$out/base") <(strip "$out/new/$f" "$out/new") > "$out/$f.diff"; then same=0; fi
  done
  if [ $same = 1 ]; then echo "identical  $sname ($(echo $files | wc -w) files)"; else echo "DIFFERENT  $sname (see $out/*.diff)"; status=1; fi
done
exit $status
