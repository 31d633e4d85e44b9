package tui

import "testing"

// BenchmarkProfileView renders the profile view of 5 layers with 500
// snapshots of history at 160x48 (the body is 43 rows; target: under
// 16 ms a frame), beside the Layers view for a ratio in one run.
func BenchmarkProfileView(b *testing.B) {
	sc := goldenScenario(b)
	d := fakeRun(sc, 500)
	st := NewStyles(asciiRenderer())
	b.Run("profile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			renderProfile(&d, 160, 48-5, 0, st)
		}
	})
	b.Run("layers", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			renderLayers(d, 160, 48-5, st)
		}
	})
}
