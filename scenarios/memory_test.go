package scenarios

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// A configuration over the budget is refused before anything is built,
// with one line naming the estimate, its largest parts, the budget and the
// flags.
func TestBudgetRefusal(t *testing.T) {
	sc := Default()
	sc.Probe, sc.Width, sc.Depth, sc.MemBudget = 100000, 4096, 4, 12<<30
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := NewRunner(context.Background(), sc)
	runtime.ReadMemStats(&after)
	var be *BudgetError
	if !errors.As(err, &be) {
		t.Fatalf("NewRunner = %v, want a *BudgetError", err)
	}
	msg := err.Error()
	for _, want := range []string{"configuration needs about 22.0 GiB (probe passes 21.4 GiB,", "over the memory budget of 12.0 GiB (--mem-budget)", "lower --probe/--width, or raise --mem-budget"} {
		if !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("refusing allocated %d bytes", grew)
	}
}

func TestByteSize(t *testing.T) {
	good := []struct {
		in   string
		want ByteSize
	}{
		{"8GiB", 8 << 30}, {"512MiB", 512 << 20}, {"512 mib", 512 << 20}, {"1.5GB", 1500000000},
		{"4096", 4096}, {"2k", 2048}, {"3kB", 3000}, {"1T", 1 << 40}, {"10b", 10}, {"1PiB", 1 << 50}, {"1025TiB", 0},
	}
	for _, c := range good {
		got, err := ParseByteSize(c.in)
		if c.want == 0 { // out of range
			if err == nil {
				t.Errorf("ParseByteSize(%q) = %d, want an error", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
		if back, err := ParseByteSize(got.String()); err != nil || back != got {
			t.Errorf("%q: String %q reads back as %d, %v", c.in, got.String(), back, err)
		}
	}
	for _, bad := range []string{"", "NaN", "nan GiB", "Inf", "-1", "-1GiB", "0", "0.1", "12XB", "GiB", "1e300", "1025TiB", "8 GiB extra"} {
		if v, err := ParseByteSize(bad); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseByteSize(%q) = %d, %v; want a one-line error", bad, v, err)
		}
	}
}

func FuzzParseByteSize(f *testing.F) {
	for _, s := range []string{"8GiB", "NaN", "-0", "1e308TiB", "0x1p62", "9223372036854775807", "  7 k "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseByteSize(s)
		if err != nil {
			return
		}
		if v < 1 || v > maxByteSize {
			t.Fatalf("ParseByteSize(%q) = %d, out of range", s, v)
		}
		if back, err := ParseByteSize(v.String()); err != nil || back != v {
			t.Fatalf("%q: %d prints as %q, reads back as %d, %v", s, v, v.String(), back, err)
		}
	})
}

func TestMemTotal(t *testing.T) {
	got, err := memTotal(strings.NewReader("MemFree: 1 kB\nMemTotal:       24683656 kB\n"))
	if err != nil || got != 24683656*1024 {
		t.Errorf("memTotal = %d, %v", got, err)
	}
	for _, bad := range []string{"", "MemTotal: lots kB\n", "MemTotal: 5 MB\n", "MemTotal: -5 kB\n", "MemTotal: 99999999999999999999 kB\n"} {
		if v, err := memTotal(strings.NewReader(bad)); err == nil {
			t.Errorf("memTotal(%q) = %d, want an error", bad, v)
		}
	}
	if b := DefaultBudget(); b.Bytes <= 0 || b.Source == "" {
		t.Errorf("DefaultBudget() = %+v", b)
	}
}
