#!/usr/bin/env bash
# Every speed and memory figure of BENCHMARKS.md, measured in one run:
#   benchmarks/all.sh
# Linux on amd64 or arm64 (Debian or Ubuntu for compare.sh's installs).
# 0. the machine, and each matrix-multiply kernel it runs (avx512, avx2 or
#    neon, and the portable Go one) on one 500^3 product;
# 1. training throughput against PyTorch (compare.sh), and its share of the
#    float32 peak (BenchmarkPeak);
# 2. the statistics snapshot with and without the Jacobian;
# 3. Shapeset generation against training consumption;
# 4. peak RSS while training the paper's network, and --batch's
#    examples_per_s beside the benchmark's figure.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then # section 4; fail now, not after minutes
  echo "all.sh: needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2
  exit 1
fi

model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
echo "== machine: $(uname -m), ${model:-CPU model unknown}, $(nproc) CPUs, $(go version | cut -d' ' -f3)"
echo "== matrix-multiply kernels, 500x500x500 NN, 1 thread, GFLOP/s (the first is the one training uses)"
go test -run '^$' -bench 'Kernels' ./nn/sgemm | grep Benchmark

echo
echo "== training throughput, paper net (1024 -> 1000 x5 -> 9, tanh), examples/s"
benchmarks/compare.sh "${ROUNDS:-3}" | tee /tmp/initscope-compare.txt

# The share of the float32 peak: a training example costs 6 FLOP per weight
# (forward, backward, update) and the net has 5,033,000 weights; the peak is
# the training kernel on L1-resident panels on every thread at once.
peak=$(go test -run '^$' -bench 'Peak' -benchtime 2s ./nn/sgemm | awk '{for (i=1;i<=NF;i++) if ($(i+1)=="GFLOP/s") print $i}')
for batch in 10 100; do
  ex=$(awk -v b="$batch" '$1 == b {print $2}' /tmp/initscope-compare.txt)
  printf "batch %s: %.0f GFLOP/s, %.0f%% of the measured float32 peak (%.0f GFLOP/s on %d threads)\n" \
    "$batch" "$(echo "$ex * 6 * 5033000 / 1000000000" | bc -l)" "$(echo "$ex * 6 * 5033000 / 1000000000 / $peak * 100" | bc -l)" "$peak" "$(nproc)"
done

echo
echo "== snapshot (300 probe examples, all statistics and histograms)"
go test -run '^$' -bench 'Snapshot' -benchtime 10x ./nn | grep Benchmark

echo
echo "== Shapeset generation vs training consumption"
gen=$(go test -run '^$' -bench 'Draw$' -benchtime 2s ./scenarios/shapeset | awk '/ns\/op/ {print 1e9/$3}')
train=$(/tmp/initscope-nn.test -test.run '^$' -test.bench 'TrainStep/batch=100$' -test.benchtime 3s |
  awk '{for (i=1;i<=NF;i++) if ($(i+1)=="examples/s") print $i}')
printf "generator %.0f images/s, training %.0f examples/s: %.1fx\n" "$gen" "$train" "$(echo "$gen / $train" | bc -l)"

echo
echo "== --batch on the paper net (fig3-tanh, 2000 steps of 10), peak RSS and examples_per_s"
go build -o /tmp/initscope-bench .
/usr/bin/time -f "peak RSS %M KB, wall %e s" /tmp/initscope-bench --batch --scenario fig3-tanh --steps 2000 --every 1000 \
  --out /tmp/initscope-bench.jsonl
tail -1 /tmp/initscope-bench.jsonl
/tmp/initscope-nn.test -test.run '^$' -test.bench 'TrainStep/batch=10$' -test.benchtime 3s | grep Benchmark
