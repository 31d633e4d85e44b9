package dataset

import (
	"context"
	"math"
	"slices"
	"testing"

	"initscope/scenarios/shapeset"
)

// TestShapesetSplits checks that the test and probe sets are fixed by the
// seed, that a smaller request is a prefix of a larger one, and that test,
// probe and the start of training share no image.
func TestShapesetSplits(t *testing.T) {
	src := mustOpen(t, "shapeset", 9)
	if src.Dim() != shapeset.Dim || src.Classes() != 9 || src.ClassNames()[8] != "2ell" {
		t.Fatalf("dim %d classes %d names %v", src.Dim(), src.Classes(), src.ClassNames())
	}
	test, probe := testSet(t, src, 300), probeSet(t, src, 300)
	again := testSet(t, mustOpen(t, "shapeset", 9), 100)
	if !slices.Equal(again.X, test.X[:100*test.Dim]) || !slices.Equal(again.Y, test.Y[:100]) {
		t.Error("Test(100) is not the start of Test(300) for the same seed")
	}
	if other := testSet(t, mustOpen(t, "shapeset", 10), 100); slices.Equal(other.X, again.X) {
		t.Error("seeds 9 and 10 gave the same test set")
	}
	train := NewSet(300, src.Dim(), src.Classes())
	src.Train().Fill(train.X, train.Y)
	seen := map[string]string{} // image bytes -> part
	for _, part := range []struct {
		name string
		s    *Set
	}{{"test", test}, {"probe", probe}, {"train", train}} {
		for i := range part.s.N {
			if y := part.s.Y[i]; y < 0 || int(y) >= part.s.Classes {
				t.Fatalf("%s label %d out of range", part.name, y)
			}
			h := string(float32Bytes(part.s.Row(i)))
			if prev, ok := seen[h]; ok {
				t.Fatalf("%s example %d also appears in %s", part.name, i, prev)
			}
			seen[h] = part.name
		}
	}
	if _, err := src.Test(context.Background(), 0); err == nil {
		t.Error("Test(0) on an endless stream did not fail")
	}
}

func float32Bytes(x []float32) []byte {
	b := make([]byte, 0, 4*len(x))
	for _, v := range x {
		u := math.Float32bits(v)
		b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	}
	return b
}

// TestTrainRepeatable checks that Train gives the same stream each call.
func TestTrainRepeatable(t *testing.T) {
	for _, spec := range []string{"shapeset", "tiny"} {
		src := mustOpen(t, spec, 4)
		a, b := NewSet(20, src.Dim(), src.Classes()), NewSet(20, src.Dim(), src.Classes())
		src.Train().Fill(a.X, a.Y)
		src.Train().Fill(b.X, b.Y)
		if !slices.Equal(a.X, b.X) || !slices.Equal(a.Y, b.Y) {
			t.Errorf("%s: two Train streams differ", spec)
		}
	}
}

// TestTinyStats checks the design of the tiny set: each input has mean 0
// and variance a^2 + sigma^2 = 1, and classes are equally likely. Over
// n = 20000 examples the standard error of a mean is 1/sqrt(n) = 0.007 and
// of a variance sqrt(2/n) = 0.01 (a little more: the inputs are a mixture);
// the tolerances are about 5 of them.
func TestTinyStats(t *testing.T) {
	const n = 20000
	src := mustOpen(t, "tiny", 1)
	s := NewSet(n, src.Dim(), src.Classes())
	src.Train().Fill(s.X, s.Y)
	for j := range s.Dim {
		var sum, sq float64
		for i := range n {
			v := float64(s.Row(i)[j])
			sum += v
			sq += v * v
		}
		mean, variance := sum/n, sq/n-(sum/n)*(sum/n)
		if math.Abs(mean) > 0.04 || math.Abs(variance-1) > 0.06 {
			t.Errorf("input %d: mean %.3f variance %.3f, want 0 and 1", j, mean, variance)
		}
	}
	var count [tinyClasses]int
	for _, y := range s.Y {
		count[y]++
	}
	for k, c := range count {
		// p = 1/4: standard deviation sqrt(p(1-p)/n) = 0.003.
		if f := float64(c) / n; math.Abs(f-0.25) > 0.015 {
			t.Errorf("class %d has frequency %.3f, want 0.25", k, f)
		}
	}
}

// TestTinyLearnable fits a nearest-centroid classifier on 1000 training
// examples and measures its error on 2000 test examples. The Bayes error is
// about 0.5% (see tiny.go); we ask for under 5%, well inside the brief's 20%.
func TestTinyLearnable(t *testing.T) {
	src := mustOpen(t, "tiny", 2)
	train := NewSet(1000, src.Dim(), src.Classes())
	src.Train().Fill(train.X, train.Y)
	centroid := make([][]float64, src.Classes())
	count := make([]int, src.Classes())
	for k := range centroid {
		centroid[k] = make([]float64, src.Dim())
	}
	for i := range train.N {
		k := train.Y[i]
		count[k]++
		for j, v := range train.Row(i) {
			centroid[k][j] += float64(v)
		}
	}
	for k := range centroid {
		for j := range centroid[k] {
			centroid[k][j] /= float64(count[k])
		}
	}
	test := testSet(t, src, 2000)
	wrong := 0
	for i := range test.N {
		best, bestD := -1, math.Inf(1)
		for k, c := range centroid {
			d := 0.0
			for j, v := range test.Row(i) {
				d += (float64(v) - c[j]) * (float64(v) - c[j])
			}
			if d < bestD {
				best, bestD = k, d
			}
		}
		if int32(best) != test.Y[i] {
			wrong++
		}
	}
	if e := float64(wrong) / float64(test.N); e >= 0.05 {
		t.Errorf("nearest-centroid test error %.3f, want < 0.05", e)
	}
}

// TestFillAllocs checks every stream for allocations, across epoch
// boundaries for the file sets.
func TestFillAllocs(t *testing.T) {
	csvPath := t.TempDir() + "/d.csv"
	writeFile(t, csvPath, []byte("0,1\n1,2\n0,3\n1,4\n0,5\n1,6\n0,7\n1,8\n0,9\n1,10\n"), false)
	cifarDir := t.TempDir()
	writeCIFAR(t, cifarDir, 2, 1)
	for _, spec := range []string{"shapeset", "tiny", "mnist:" + writeMNIST(t, 30, 2, false), "cifar10:" + cifarDir, "csv:" + csvPath} {
		src := mustOpen(t, spec, 1)
		s := src.Train()
		x, y := make([]float32, 7*src.Dim()), make([]int32, 7)
		if n := testing.AllocsPerRun(20, func() { s.Fill(x, y) }); n != 0 {
			t.Errorf("%s: Fill makes %v allocations", spec, n)
		}
	}
}

func TestFillPanicsOnMismatch(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Fill with a short x did not panic")
		}
	}()
	mustOpen(t, "tiny", 1).Train().Fill(make([]float32, 15), make([]int32, 1))
}
