#!/usr/bin/env bash
# Trains the paper's network (1024 -> 1000 x5 -> 9, tanh, SGD, float32) with
# initscope and with PyTorch side by side, interleaving rounds because the
# machine is shared and noisy, and prints the median examples/s of each and
# their ratio for batch 10 and 100. PyTorch gets its best thread setting:
# 1 thread, or every core with OMP_WAIT_POLICY=PASSIVE (Debian's torch
# oversubscribes the cores otherwise); ours uses every core (GOMAXPROCS).
# Debian's torch does its dense products through the system BLAS
# (libblas.so.3), which is the slow reference BLAS unless an optimized one is
# installed: the script installs OpenBLAS so the baseline is PyTorch at its
# best. Debian or Ubuntu, amd64 or arm64; root or sudo to install.
#   benchmarks/compare.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
. benchmarks/lib.sh
need=()
$py -c 'import torch, numpy' 2>/dev/null || need+=(python3-torch python3-numpy)
[ -e "$openblas_lib" ] || need+=(libopenblas0-pthread)
command -v bc >/dev/null || need+=(bc)
install_missing compare.sh "${need[@]}"
go test -c -o /tmp/initscope-nn.test ./nn >/dev/null

# Give PyTorch the OpenBLAS kernel that multiplies fastest on this CPU.
best_core="" best_gflops=0
for core in "" $(openblas_cores); do
  g=$(OPENBLAS_CORETYPE=$core $py benchmarks/blas_gflops.py 2>/dev/null || echo 0)
  if [ "$(echo "$g > $best_gflops" | bc -l)" = 1 ]; then best_core=$core best_gflops=$g; fi
done
export OPENBLAS_CORETYPE=$best_core
echo "PyTorch uses OpenBLAS with OPENBLAS_CORETYPE=${best_core:-(default)}: $best_gflops GFLOP/s on 1000^3"
ncpu=$(nproc)

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf "%-6s %12s %12s %8s\n" batch initscope pytorch ratio
for batch in 10 100; do
  ours=() theirs=()
  for _ in $(seq "$rounds"); do
    ours+=("$(/tmp/initscope-nn.test -test.run '^$' -test.bench "TrainStep/batch=$batch\$" -test.benchtime 3s |
      awk '/examples\/s/ {for (i=1;i<=NF;i++) if ($(i+1)=="examples/s") print $i}')")
    t1=$(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $py benchmarks/torch_train.py "$batch" 1)
    tn=$t1
    if [ "$ncpu" -gt 1 ]; then
      tn=$(OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=$ncpu $py benchmarks/torch_train.py "$batch" "$ncpu")
    fi
    theirs+=("$(printf '%s\n%s\n' "$t1" "$tn" | sort -g | tail -1)")
  done
  o=$(printf '%s\n' "${ours[@]}" | median)
  t=$(printf '%s\n' "${theirs[@]}" | median)
  printf "%-6s %12.0f %12.0f %8.2f\n" "$batch" "$o" "$t" "$(echo "$o / $t" | bc -l)"
done
