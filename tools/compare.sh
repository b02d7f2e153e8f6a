#!/usr/bin/env bash
# Runs `striate bench` and tools/bench_pytorch.py back to back on the same workloads, then prints both side by
# side with ratios (tools/bench_compare.py). Never run by the tests.
#   tools/compare.sh                                  # both models, 1 and 2 threads, 5 s warm-up + 10 s each
#   tools/compare.sh --rounds 3                       # alternate the two sides 3 times; each side's best round
#   tools/compare.sh --models lenet5 --threads 1 --seconds 5 --out results/
# --rounds N and --out DIR (where the JSON files go; default a new temporary directory) are this script's;
# every other option (--models, --threads, --workloads, --warmup-seconds, --seconds, --data) goes to both sides.
# Needs /usr/bin/python3 with PyTorch (Debian: apt-get install python3-torch libopenblas0-pthread).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=1
out=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$rounds" in ''|*[!0-9]*|0) echo "compare.sh: --rounds must be a positive integer, got '$rounds'" >&2; exit 2 ;; esac
out="${out:-$(mktemp -d)}"
mkdir -p "$out"

echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores," \
  "$(grep -o -m1 -w avx512f /proc/cpuinfo || echo 'no avx512f'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== java: $("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1);" \
  "torch: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
striate=()
pytorch=()
for r in $(seq 1 "$rounds"); do
  echo "== round $r of $rounds: Striate"
  "$here/striate" bench ${args[@]+"${args[@]}"} --json "$out/striate-$r.json"
  striate+=("$out/striate-$r.json")
  echo "== round $r of $rounds: PyTorch"
  /usr/bin/python3 "$here/tools/bench_pytorch.py" ${args[@]+"${args[@]}"} --json "$out/pytorch-$r.json"
  pytorch+=("$out/pytorch-$r.json")
done
echo
/usr/bin/python3 "$here/tools/bench_compare.py" --striate "${striate[@]}" --pytorch "${pytorch[@]}"
echo "(JSON files in $out)"
