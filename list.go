package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"initscope/nn"
	"initscope/scenarios/batch"
	"initscope/scenarios/dataset"
	"initscope/scenarios/preset"
)

// list prints every scenario, activation, initializer, loss, data set and
// per-layer statistic with one line each.
func list(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	section := func(title string) { fmt.Fprintf(tw, "\n%s\n", title) }
	section("SCENARIOS (--scenario NAME, or a .toml file)")
	for _, sc := range preset.Presets() {
		fmt.Fprintf(tw, "  %s\t%s\n", sc.Name, sc.Description)
	}
	section("ACTIVATIONS (--activation)")
	for _, a := range nn.Activations() {
		fmt.Fprintf(tw, "  %s\t%s\n", a, a.Description())
	}
	section("INITIALIZERS (--init, scaled by --init-scale)")
	for _, k := range nn.InitKinds() {
		fmt.Fprintf(tw, "  %s\t%s\n", k, k.Description())
	}
	section("LOSSES (--loss)")
	for _, c := range nn.Costs() {
		fmt.Fprintf(tw, "  %s\t%s\n", c, c.Description())
	}
	section("DATA SETS (--dataset)")
	for _, d := range dataset.List() {
		fmt.Fprintf(tw, "  %s\t%s\n", d.Usage, d.Description)
	}
	section("STATISTICS (per layer in --batch output: JSON key and CSV column, unit, log or linear scale)")
	for _, s := range batch.Stats() {
		i := s.Info()
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", i.Key, i.Unit, scale(i.Log), i.Description)
	}
	for _, h := range batch.Hists() {
		i := h.Info()
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", i.Key, "counts", "", i.Description)
	}
	return tw.Flush()
}

func scale(log bool) string {
	if log {
		return "log"
	}
	return "linear"
}
