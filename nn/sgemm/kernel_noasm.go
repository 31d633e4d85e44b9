//go:build (!amd64 && !arm64) || noasm

package sgemm

// asmKernels is empty without assembly: only the generic kernel exists.
func asmKernels() []*kernel { return nil }
