package preset

import (
	"slices"
	"strings"
	"testing"
)

func TestNaturalCompare(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"fig2-sigmoid", "fig10-tanh-normalized", -1},
		{"fig10", "fig2", 1},
		{"fig3-softsign", "fig3-tanh", -1},
		{"fig6", "fig6", 0},
		{"fig02", "fig2", -1}, // equal as numbers: plain order decides
		{"fig2", "fig02", 1},
		{"a", "a1", -1},
		{"table1-tanh", "table1-tanh-n", -1},
		{"x99999999999999999999999", "x100000000000000000000000", -1}, // no overflow
		{"", "a", -1},
	} {
		if got := naturalCompare(c.a, c.b); got != c.want {
			t.Errorf("naturalCompare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// The presets (the picker and --list) come in natural order.
func TestPresetsNaturalOrder(t *testing.T) {
	names := Names()
	if i, j := slices.Index(names, "fig2-sigmoid"), slices.Index(names, "fig10-tanh-normalized"); i < 0 || j < 0 || i > j {
		t.Errorf("fig2 at %d, fig10 at %d: %s", i, j, strings.Join(names, " "))
	}
	if !slices.IsSortedFunc(names, naturalCompare) {
		t.Errorf("not in natural order: %s", strings.Join(names, " "))
	}
}

// naturalCompare is a total order: antisymmetric and transitive on
// hostile names, so sorting is deterministic.
func FuzzNaturalCompare(f *testing.F) {
	f.Add("fig2", "fig10", "fig02")
	f.Add("", "0", "00")
	f.Add("a9b", "a10b", "a009b")
	f.Add("\xff1", "1\xff", "99999999999999999999999999")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		if naturalCompare(a, b) != -naturalCompare(b, a) {
			t.Fatalf("not antisymmetric: %q %q", a, b)
		}
		if (naturalCompare(a, b) == 0) != (a == b) {
			t.Fatalf("%q and %q compare equal", a, b)
		}
		if naturalCompare(a, b) <= 0 && naturalCompare(b, c) <= 0 && naturalCompare(a, c) > 0 {
			t.Fatalf("not transitive: %q %q %q", a, b, c)
		}
	})
}
