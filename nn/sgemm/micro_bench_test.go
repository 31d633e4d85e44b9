package sgemm

import (
	"strconv"
	"sync/atomic"
	"testing"
)

// BenchmarkMicro measures the bare micro-kernels on cache-resident panels.
func BenchmarkMicro(b *testing.B) {
	for _, kn := range kernels() {
		for _, kc := range []int{16, 64, 256, 512} {
			ap := make([]float32, kn.mr*kc)
			bp := make([]float32, kn.nr*kc*4)
			for i := range ap {
				ap[i] = 1
			}
			for i := range bp {
				bp[i] = 1
			}
			c := make([]float32, kn.mr*kn.nr)
			b.Run(kn.name+"/kc"+strconv.Itoa(kc), func(b *testing.B) {
				for b.Loop() {
					for q := 0; q < 4; q++ {
						kn.micro(kc, ap, bp[q*kn.nr*kc:], c, kn.nr, 1, 1)
					}
				}
				b.ReportMetric(8*float64(kn.mr*kn.nr*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkPeak is this machine's float32 peak as the training kernel sees
// it: the best micro-kernel on L1-resident panels on every thread at once
// (GOMAXPROCS goroutines), GFLOP/s summed. all.sh divides the training
// throughput by it.
func BenchmarkPeak(b *testing.B) {
	kn := best
	const kc = 256
	var flops atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		ap := make([]float32, kn.mr*kc)
		bp := make([]float32, kn.nr*kc)
		for i := range ap {
			ap[i] = 1
		}
		for i := range bp {
			bp[i] = 1
		}
		c := make([]float32, kn.mr*kn.nr)
		n := int64(0)
		for pb.Next() {
			for range 64 {
				kn.micro(kc, ap, bp, c, kn.nr, 1, 1)
			}
			n++
		}
		flops.Add(n * 64 * 2 * int64(kn.mr*kn.nr*kc))
	})
	b.ReportMetric(float64(flops.Load())/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
