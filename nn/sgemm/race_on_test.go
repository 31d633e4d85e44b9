//go:build race

package sgemm

// raceEnabled scales the big test shapes down: the race detector slows the
// Go reference loops about tenfold (the assembly kernels are not instrumented).
const raceEnabled = true
