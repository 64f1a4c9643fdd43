#!/usr/bin/env bash
# Runs a speed benchmark on each engine and, with --peer, the PyTorch peer of ../shared/peers in the
# same run, printing one JSON line per engine and a summary table.
#
#   benchmarks/bench.sh [--peer] [--threads N] [--engines "PyTorch MXNet"] CASE [options]
#   CASE: charlm, seq2seq, clf, or corenlp-sentiment (CoreNLP's sentiment model beside a toolkit
#   classifier on SST-2 dev: --model DIR; no peer; its models jar comes with the Maven profile).
# --threads sets the engines' and the peer's thread count alike (default: the engines' and the peer's
# default, 2 on this machine); on a machine busy with other jobs compare at --threads 1.
#   e.g. benchmarks/bench.sh --peer charlm --train-steps 400
# Each JSON line is also appended to benchmarks/results/speed-<case>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
peer=0
threads=""
engines="PyTorch MXNet"
while [ $# -gt 0 ]; do
  case "$1" in
    --peer) peer=1; shift ;;
    --engines) engines="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) break ;;
  esac
done
case_name="${1:?usage: benchmarks/bench.sh [--peer] [--engines LIST] CASE [options]}"; shift
declare -A peer_case=([charlm]=a [seq2seq]=bc [clf]=d)
mvn -q -B -ntp install -DskipTests
profile=""
if [ "$case_name" = corenlp-sentiment ]; then profile="-Pcorenlp-sentiment"; peer=0; fi
mvn -q -B -ntp -pl benchmarks $profile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
cp="benchmarks/target/classes:$(cat benchmarks/target/bench.cp)"
mkdir -p benchmarks/results
out="benchmarks/results/speed-${case_name}.jsonl"
tmp=$(mktemp)
if [ "$peer" = 1 ]; then
  sh ../shared/peers/run_peer.sh --cases "${peer_case[$case_name]}" ${threads:+--threads "$threads"} | grep '^{' | tee -a "$tmp"
fi
thread_flags=()
if [ -n "$threads" ]; then
  export OMP_NUM_THREADS="$threads"
  thread_flags=(-Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1)
fi
for engine in $engines; do
  java "${thread_flags[@]}" --add-modules jdk.incubator.vector -Xmx8g -Dai.djl.offline=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dtoolkit.engine="$engine" \
    -cp "$cp" dev.seqtoolkit.bench.Bench "$case_name" "$@" 2>/dev/null | grep '^{' | tee -a "$tmp"
done
cat "$tmp" >> "$out"
/usr/bin/python3 ../shared/peers/summarize.py "$tmp" 2>/dev/null || true
rm -f "$tmp"
