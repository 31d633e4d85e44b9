#!/usr/bin/env bash
# The portable (pure Go, -tags noasm) float32 GEMM against gonum's blas32,
# also pure Go under noasm, on every shape of nn/sgemm's BenchmarkGemm at 1
# and 2 threads, measured side by side in one run:
#   benchmarks/portable.sh                 # ours vs gonum
#   BASE=HEAD~3 benchmarks/portable.sh     # plus ours as of another revision
# ROUNDS (default 3) runs of every benchmark, shape by shape, alternating
# the binaries, so that a load that comes and goes hits all of them alike;
# each figure is the median GFLOP/s over the rounds. BENCHTIME (default 20x)
# is passed to -test.benchtime.
# This is the table of BENCHMARKS.md's portable-kernel section. It is what
# CPUs without AVX2+FMA run on amd64 and what every arm64 machine runs when
# built with -tags noasm.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-3}
benchtime=${BENCHTIME:-20x}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go test -tags noasm -c -o "$tmp/ours.test" ./nn/sgemm
bins=(ours)
if [ -n "${BASE:-}" ]; then
  mkdir "$tmp/base"
  git archive "$BASE" go.mod go.sum nn/sgemm | tar -x -C "$tmp/base"
  (cd "$tmp/base" && go test -tags noasm -c -o "$tmp/base.test" ./nn/sgemm)
  bins+=(base)
fi

# The shapes, in BenchmarkGemm's order (one quick pass lists them).
shapes=$(cd nn/sgemm && "$tmp/ours.test" -test.run '^$' -test.bench 'Gemm/.*/ours/t1' -test.benchtime 1x |
  sed -n 's/^BenchmarkGemm\/\([^/]*\)\/.*/\1/p')

# Shape by shape, each binary in turn, so that ours, gonum and base meet the
# same load. gonum's figures come from our binary: the same gonum either way.
for r in $(seq "$rounds"); do
  for s in $shapes; do
    for b in "${bins[@]}"; do
      filter="Gemm/^$s\$/"
      [ "$b" = base ] && filter="Gemm/^$s\$/ours/"
      (cd nn/sgemm && "$tmp/$b.test" -test.run '^$' -test.bench "$filter" -test.benchtime "$benchtime") |
        sed -n "s/^BenchmarkGemm\///p" | sed "s/^/$b /" >>"$tmp/results"
    done
  done
done

echo "go test -tags noasm -bench 'Gemm/' -benchtime $benchtime ./nn/sgemm, median of $rounds rounds, GFLOP/s ($(go env GOARCH), $(nproc) CPUs)"
awk -v base="${BASE:-}" '
function median(list,   a, n, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
  return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
{
  # $1 binary, $2 shape/impl/tN-P, ..., the value before "GFLOP/s"
  split($2, p, "/"); shape = p[1]; impl = p[2]; th = p[3]; sub(/-[0-9]+$/, "", th)
  for (i = 3; i < NF; i++) if ($(i+1) == "GFLOP/s") v = $i
  who = ($1 == "base") ? "base" : impl
  key = shape SUBSEP th SUBSEP who
  vals[key] = vals[key] " " v
  if (!(shape SUBSEP th in seen)) { seen[shape SUBSEP th] = 1; order[++n] = shape SUBSEP th }
}
END {
  if (base != "") printf "%-10s %-7s %8s %8s %8s %7s\n", "shape", "threads", "base", "ours", "gonum", "ours/gonum"
  else printf "%-10s %-7s %8s %8s %7s\n", "shape", "threads", "ours", "gonum", "ours/gonum"
  for (i = 1; i <= n; i++) {
    split(order[i], s, SUBSEP)
    o = median(vals[order[i] SUBSEP "ours"]); g = median(vals[order[i] SUBSEP "gonum"])
    if (base != "") printf "%-10s %-7s %8.2f %8.2f %8.2f %7.2fx\n", s[1], s[2], median(vals[order[i] SUBSEP "base"]), o, g, o / g
    else printf "%-10s %-7s %8.2f %8.2f %7.2fx\n", s[1], s[2], o, g, o / g
  }
}' "$tmp/results"
