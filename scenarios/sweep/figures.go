package sweep

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	initplot "initscope/scenarios/plot"
)

// figureNumbers are the paper's figures of test error during training, by
// data set kind: Fig 11 on Shapeset, Fig 12 on MNIST and CIFAR-10.
var figureNumbers = map[string]string{"shapeset": "Fig 11", "mnist": "Fig 12", "cifar10": "Fig 12"}

// WriteFigures draws, for each data set of the sweep, the test error
// against examples seen with one line per configuration: the mean over
// its finished seeds at its selected learning rate, at the snapshots all
// of those seeds have. It writes PNG and SVG files into dir and returns
// their paths.
func (rep *Report) WriteFigures(ctx context.Context, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var kinds []string
	for _, c := range rep.Configs {
		if !slices.Contains(kinds, c.Kind) {
			kinds = append(kinds, c.Kind)
		}
	}
	var files []string
	for _, kind := range kinds {
		if ctx.Err() != nil {
			return files, ctx.Err()
		}
		p := plot.New()
		title := "test error during training on " + kind
		if n, ok := figureNumbers[kind]; ok {
			title = n + " (Glorot & Bengio 2010): " + title
		}
		p.Title.Text = title
		p.X.Label.Text = "examples seen"
		p.X.Tick.Marker, p.Y.Tick.Marker = initplot.Ticks{}, initplot.Ticks{} // the run figures' one number format
		p.Y.Label.Text = "test error (%)"
		p.Y.Min, p.Y.Max = 0, 100
		p.Add(plotter.NewGrid())
		lines, high := 0, 0
		for i, c := range rep.Configs {
			if c.Kind != kind || c.Selected < 0 {
				continue
			}
			sel := c.Rates[c.Selected]
			xys := rep.meanCurve(sel.Runs)
			if len(xys) == 0 {
				continue
			}
			l, err := plotter.NewLine(xys)
			if err != nil {
				return files, fmt.Errorf("%s: %v", c.Name, err)
			}
			l.Color = plotutil.Color(i)
			l.Dashes = plotutil.Dashes(i / len(plotutil.DefaultColors))
			l.Width = vg.Points(1.5)
			p.Add(l)
			label := fmt.Sprintf("%s (lr %s, n=%d)", c.Name, fmtG(sel.LR), sel.Finished)
			p.Legend.Add(label, l)
			lines++
			if xys[len(xys)-1].Y > 50 {
				high++
			}
		}
		if lines == 0 {
			continue
		}
		p.Legend.ThumbnailWidth = vg.Points(20)
		// The legend goes where the curves end up not being: at the
		// bottom when most end above 50%, at the top otherwise.
		p.Legend.Top = 2*high <= lines
		for _, format := range initplot.Formats {
			name := filepath.Join(dir, fmt.Sprintf("sweep-test-error-%s.%s", safe(kind), format))
			if err := p.Save(8*vg.Inch, 5*vg.Inch, name); err != nil {
				return files, err
			}
			files = append(files, name)
		}
	}
	return files, nil
}

// meanCurve averages the runs' test error (in %) at each number of
// examples every one of them has a finite value for.
func (rep *Report) meanCurve(runs []int) plotter.XYs {
	type acc struct {
		sum float64
		n   int
	}
	at := map[int64]*acc{}
	finished := 0
	for _, i := range runs {
		f := rep.Files[i]
		if f == nil {
			continue
		}
		finished++
		for _, p := range f.Points {
			if math.IsNaN(p.TestError) {
				continue
			}
			a := at[p.Examples]
			if a == nil {
				a = &acc{}
				at[p.Examples] = a
			}
			a.sum += p.TestError
			a.n++
		}
	}
	var xs []int64
	for x, a := range at {
		if a.n == finished {
			xs = append(xs, x)
		}
	}
	slices.Sort(xs)
	out := make(plotter.XYs, len(xs))
	for k, x := range xs {
		out[k] = plotter.XY{X: float64(x), Y: 100 * at[x].sum / float64(at[x].n)}
	}
	return out
}
