#!/usr/bin/env bash
# The Jacobian statistic's eigenproblem, D (W W^T) D of order n, solved by
# gonum's Dsyev, by nn's blocked reduction in float32 (what the statistic uses) and by
# LAPACK through numpy (OpenBLAS, float64 and float32 with its default
# threads, float64 on one thread), side by side in one run: seconds per solve
# and the ratios. nn's solves are single-threaded (the statistic runs its
# examples in parallel instead). Then the step-0 snapshot of the paper's
# network (tanh 5x1000, 300 probe examples): nn's Jacobian part
# (BenchmarkJacobianSnapshot) against LAPACK's 12 solves of order 1000.
# With "wide": the statistic of one layer of widths 1024, 2048 and 4096,
# solved exactly and estimated (stochastic Lanczos quadrature, what layers
# wider than 1024 get), with the estimate's stated error.
#   [ROUNDS=3] benchmarks/jacobian.sh [ORDERS... | snapshot | wide]    default orders: 500 1000 2048 (4096 takes minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = wide ]; then
  go test -c -o /tmp/initscope-nn.test ./nn >/dev/null
  echo "one layer of a tanh network, 3 examples (seconds; the estimate's stated error in % of the mean):"
  /tmp/initscope-nn.test -test.run '^$' -test.bench 'JacobianLayer' -test.benchtime 1x |
    awk '/^BenchmarkJacobianLayer/ {split($1, p, "/"); sub(/-[0-9]+$/, "", p[3]); w = p[2]; s = $3 / 1e9
           if (p[3] == "exact") ex[w] = s; else { sl[w] = s; bias[w] = $5; se[w] = $7 }; ws[w] = 1 }
         END { printf "%-11s %9s %9s %12s %7s %9s %22s\n", "width", "exact_s", "slq_s", "exact/slq", "bias%", "stderr%", "20 layers (19 x slq)"
               for (w in ws) printf "%-11s %9s %9.3f %12s %7.3f %9.3f %21.1fs\n", w, (w in ex) ? sprintf("%.3f", ex[w]) : "-", sl[w],
                 (w in ex) ? sprintf("%.1f", ex[w] / sl[w]) : "-", bias[w], se[w], 19 * sl[w] }' | sort -t= -k2 -n
  exit
fi
orders=("${@:-500}")
[ $# -gt 0 ] || orders=(500 1000 2048)
[ "${1:-}" != snapshot ] || orders=() # the snapshot comparison alone
. benchmarks/lib.sh
need=()
$py -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
[ -e "$openblas_lib" ] || need+=(libopenblas0-pthread)
command -v bc >/dev/null || need+=(bc)
install_missing jacobian.sh "${need[@]}"
go test -c -o /tmp/initscope-nn.test ./nn >/dev/null

[ ${#orders[@]} -eq 0 ] || printf "%-6s %10s %10s %12s %12s %12s %10s %10s\n" n gonum_s nn_s lapack64_s lapack32_s lapack64_1t gonum/nn nn/lapack64
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

# LAPACK at its best: the OpenBLAS kernel type and thread count (1 or
# all) whose 12 float32 solves are fastest. Then ours and LAPACK with that
# setting take turns for ROUNDS rounds (default 3), medians compared, so
# drifting load favours neither.
best32=999 core32="" threads32=1
for core in "" $(openblas_cores); do
  for threads in 1 "$(nproc)"; do
    read -r _ s32 < <(OPENBLAS_CORETYPE=$core OPENBLAS_NUM_THREADS=$threads $py benchmarks/jacobian_lapack.py --snapshot 12 2>/dev/null || echo 999 999)
    if [ "$(echo "$s32 < $best32" | bc -l)" = 1 ]; then best32=$s32 core32=$core threads32=$threads; fi
  done
done
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ours=() theirs32=() theirs64=() ratios=()
for _ in $(seq "${ROUNDS:-3}"); do
  # BenchmarkJacobianSnapshot times the Jacobian part alone (W W^T and
  # the 12 solves on the snapshot's forward pass): the median of 3.
  o=$(/tmp/initscope-nn.test -test.run '^$' -test.bench 'JacobianSnapshot$' -test.benchtime 1x -test.count 3 |
    awk '/^BenchmarkJacobianSnapshot/ {print $3 / 1e9}' | median)
  read -r s64 s32 < <(OPENBLAS_CORETYPE=$core32 OPENBLAS_NUM_THREADS=$threads32 $py benchmarks/jacobian_lapack.py --snapshot 12)
  ours+=("$o") theirs64+=("$s64") theirs32+=("$s32") ratios+=("$(echo "$o / $s32" | bc -l)")
done
o=$(printf '%s\n' "${ours[@]}" | median)
t32=$(printf '%s\n' "${theirs32[@]}" | median)
t64=$(printf '%s\n' "${theirs64[@]}" | median)
r=$(printf '%s\n' "${ratios[@]}" | median)
printf "step-0 snapshot of tanh 5x1000, the Jacobian part, median of %d alternating rounds: nn %.3f s; LAPACK's 12 solves (OPENBLAS_CORETYPE=%s, %d threads) %.3f s float32, %.3f s float64; nn / LAPACK float32 = %.2f (median of the rounds' ratios %.2f)\n" \
  "${ROUNDS:-3}" "$o" "${core32:-default}" "$threads32" "$t32" "$t64" "$(echo "$o / $t32" | bc -l)" "$r"
