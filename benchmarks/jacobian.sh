#!/usr/bin/env bash
# The Jacobian statistic's eigenproblem, D (W W^T) D of order n, solved by
# gonum's Dsyev, by nn's blocked reduction (what the statistic uses) and by
# LAPACK through numpy (OpenBLAS, float64 and float32 with its default
# threads, float64 on one thread), side by side in one run: seconds per solve
# and the ratios. nn's solves are single-threaded (the statistic runs its
# examples in parallel instead). Then the step-0 snapshot of the paper's
# network (tanh 5x1000, 300 probe examples): nn's Jacobian part (the snapshot
# with it minus without) against LAPACK's 12 solves of order 1000.
#   benchmarks/jacobian.sh [ORDERS...]    default: 500 1000 2048 (4096 takes minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
orders=("${@:-500}")
[ $# -gt 0 ] || orders=(500 1000 2048)
py=/usr/bin/python3 # Debian's, with python3-numpy; a python3 earlier on PATH may lack it
if ! $py -c 'import numpy' 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3 ]; then
  echo "installing python3-numpy and OpenBLAS"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy libopenblas0-pthread >/dev/null
fi
go test -c -o /tmp/initscope-nn.test ./nn >/dev/null

printf "%-6s %10s %10s %12s %12s %12s %10s %10s\n" n gonum_s nn_s lapack64_s lapack32_s lapack64_1t gonum/nn nn/lapack64
for n in "${orders[@]}"; do
  reps=3
  [ "$n" -le 1000 ] || reps=1
  bench=$(/tmp/initscope-nn.test -test.run '^$' -test.bench "Jacobian/n=$n/(gonum|blocked)\$" -test.benchtime "${reps}x")
  secs() { echo "$bench" | awk -v m="n=$n/$1-" 'index($1, m) {print $3 / 1e9}'; }
  gonum=$(secs gonum) ours=$(secs blocked)
  read -r _ l64 l32 < <($py benchmarks/jacobian_lapack.py "$n")
  read -r _ l64one _ < <(OPENBLAS_NUM_THREADS=1 $py benchmarks/jacobian_lapack.py "$n")
  printf "%-6s %10.3f %10.3f %12.3f %12.3f %12.3f %10.1f %10.1f\n" "$n" "$gonum" "$ours" "$l64" "$l32" "$l64one" \
    "$(echo "$gonum / $ours" | bc -l)" "$(echo "$ours / $l64" | bc -l)"
done

snap=$(/tmp/initscope-nn.test -test.run '^$' -test.bench 'Snapshot' -test.benchtime 3x)
without=$(echo "$snap" | awk '/jacobian=false/ {print $3 / 1e9}')
with=$(echo "$snap" | awk '/jacobian=true/ {print $3 / 1e9}')
read -r s64 s32 < <($py benchmarks/jacobian_lapack.py --snapshot 12)
printf "step-0 snapshot, tanh 5x1000: %.3f s with the Jacobian, %.3f s without: Jacobian part %.3f s; LAPACK's 12 solves %.3f s (float64), %.3f s (float32)\n" \
  "$with" "$without" "$(echo "$with - $without" | bc -l)" "$s64" "$s32"
