package plot

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Panel is one plot of a figure, styled as every figure of this package:
// readable ticks (Ticks, LogTicks), the legend outside the data (Figure
// draws it to the right of the panel), markers on per-layer points. Its
// lines leave out the points its axes cannot show (non-finite values, and
// values <= 0 on a log axis, where gonum/plot panics) and its title says
// how many were left out, so a figure never silently hides data. Other
// packages' report figures can be made of Panels and saved with Figure.
type Panel struct {
	*plot.Plot
	// Legend is drawn to the right of the panel, outside its data.
	Legend plot.Legend

	log      bool
	hidden   int  // points left out
	lines    int  // lines drawn
	finished bool // done has run
}

// NewPanel returns an empty panel with the title and axis labels, its y
// axis logarithmic when log is set.
func NewPanel(title, x, y string, log bool) *Panel {
	p := &Panel{Plot: plot.New(), Legend: plot.NewLegend(), log: log}
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.X.Tick.Marker = Ticks{}
	p.Y.Tick.Marker = Ticks{}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	if log {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = LogTicks{}
	}
	return p
}

// Style is how a line is drawn.
type Style struct {
	Color  color.Color
	Dashed bool
	// Marker draws a glyph at each point (shape Shape of plotutil's
	// shapes): per-layer values, where each point is a layer.
	Marker bool
	Shape  int
}

// LayerStyle is series l's solid line: plotutil's l-th colour.
func LayerStyle(l int) Style { return Style{Color: plotutil.Color(l), Shape: l} }

// shows reports whether the panel's axes can show the point.
func (p *Panel) shows(pt plotter.XY) bool {
	finite := !math.IsNaN(pt.X) && !math.IsInf(pt.X, 0) && !math.IsNaN(pt.Y) && !math.IsInf(pt.Y, 0)
	return finite && math.Abs(pt.X) <= maxLinear && (p.log && pt.Y > 0 || !p.log && math.Abs(pt.Y) <= maxLinear)
}

// maxLinear bounds the values a linear axis draws. Near MaxFloat64 the
// axis' length (max - min) overflows to Inf, and above about 1e150 gonum's
// tick search (Talbot's) takes up to 170 ms a call, and a figure makes
// dozens of calls; no statistic of a run that has not diverged (which the
// records write as null) comes near 1e100.
const maxLinear = 1e100

// Line adds xy, less the points the panel cannot show, as a line in style
// st, with a legend entry unless legend is "".
func (p *Panel) Line(xy plotter.XYs, st Style, legend string) {
	var shown plotter.XYs
	for _, pt := range xy {
		if p.shows(pt) {
			shown = append(shown, pt)
		} else {
			p.hidden++
		}
	}
	if len(shown) == 0 {
		return
	}
	line, points, err := plotter.NewLinePoints(shown)
	if err != nil { // only for non-finite points, which shows left out
		panic("plot: " + err.Error())
	}
	line.Color = st.Color
	line.Width = vg.Points(1.2)
	if st.Dashed {
		line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	thumbs := []plot.Thumbnailer{line}
	p.Add(line)
	if st.Marker {
		points.Color = st.Color
		points.Shape = plotutil.Shape(st.Shape)
		points.Radius = vg.Points(3)
		p.Add(points)
		thumbs = append(thumbs, points)
	}
	p.lines++
	if legend != "" {
		p.Legend.Add(legend, thumbs...)
	}
}

// done notes in the title what was left out and returns the plot. A log
// panel with nothing to show goes linear: gonum's log axis panics on the
// empty range it would get.
func (p *Panel) done() *plot.Plot {
	if p.finished {
		return p.Plot
	}
	p.finished = true
	if p.hidden > 0 {
		what := "non-finite or huge"
		if p.log {
			what = "<= 0 or non-finite"
		}
		p.Title.Text += fmt.Sprintf(" (%d %s %s not shown)", p.hidden, what, plural(p.hidden, "value", "values"))
	}
	if p.log && p.lines == 0 {
		p.Y.Scale = plot.LinearScale{}
		p.Y.Tick.Marker = Ticks{}
		p.Y.Label.Text += " (log axis: no value > 0)"
	}
	if p.lines > 0 {
		widen(&p.X.Min, &p.X.Max, false)
		widen(&p.Y.Min, &p.Y.Max, p.log)
	}
	return p.Plot
}

// widen gives an axis whose data is one value a range around it. gonum
// would make it [v-1, v+1], which a log axis cannot show when v <= 1 (its
// ticks panic on the 0 or below), and which is v itself when v is so large
// that v+1 rounds to v.
func widen(lo, hi *float64, log bool) {
	if *lo != *hi {
		return
	}
	v := *lo
	if log { // a decade each way, as far as float64 goes
		*lo, *hi = v/10, v*10
		if *lo <= 0 {
			*lo = v
		}
		if math.IsInf(*hi, 0) {
			*hi = v
		}
		return
	}
	if v == 0 { // a series of zeros (a saturated fraction, --init zeros): [0, 1], not [-1, 1]
		*lo, *hi = 0, 1
		return
	}
	d := max(1, math.Abs(v)/2) // v is within ±maxLinear, so v±d is too, nearly
	*lo, *hi = v-d, v+d
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Figure is panels in rows and columns on a page of W by H, each panel's
// legend to its right.
type Figure struct {
	Panels [][]*Panel
	W, H   vg.Length
	// SharedX gives every panel the x range of them all, so that panels
	// that compare the same steps or layers line up.
	SharedX bool

	name     string             // the file's name without extension, for this package's figures
	heatmaps []*plotter.HeatMap // drawn as an image or as cells, by format
}

// grid is a figure of the panels on a page of w by h whose panels share
// their x range.
func grid(panels [][]*Panel, w, h vg.Length) Figure {
	return Figure{Panels: panels, W: w, H: h, SharedX: true}
}

// Format is a file format figures are written in.
type Format string

// The formats: PNG for looking, SVG and PDF for papers (vector, any size).
const (
	PNG Format = "png"
	SVG Format = "svg"
	PDF Format = "pdf"
)

// Formats are every format, in the order files are written.
var Formats = []Format{PNG, SVG, PDF}

// Save writes the figure to base.<format> for each format and returns
// the files written. It checks ctx before each file.
func (f Figure) Save(ctx context.Context, base string, formats ...Format) ([]string, error) {
	var written []string
	for _, format := range formats {
		if err := ctx.Err(); err != nil {
			return written, err
		}
		path := base + "." + string(format)
		if err := f.saveAs(path, format); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

func (f Figure) saveAs(path string, format Format) error {
	var c interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch format {
	case PNG:
		img := vgimg.New(f.W, f.H)
		c = vgimg.PngCanvas{Canvas: img}
	case SVG:
		c = vgsvg.New(f.W, f.H)
	case PDF:
		c = pdfCanvas{vgpdf.New(f.W, f.H)}
	default:
		return fmt.Errorf("unknown figure format %q (valid: png, svg, pdf)", format)
	}
	for _, h := range f.heatmaps {
		h.Rasterized = true // an image: cells as rectangles show seams between them
	}
	f.render(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return err
	}
	data := buf.Bytes()
	if format == SVG {
		// vgsvg declares its embedded PNG images image/jpg, which
		// viewers such as rsvg refuse to draw.
		data = bytes.ReplaceAll(data, []byte("data:image/jpg;base64,iVBOR"), []byte("data:image/png;base64,iVBOR"))
	}
	return os.WriteFile(path, data, 0o644)
}

// legendWidth is the widest legend's width (0 when no panel has one).
func (f Figure) legendWidth(dc draw.Canvas) vg.Length {
	var w vg.Length
	for _, row := range f.Panels {
		for _, p := range row {
			if r := p.Legend.Rectangle(dc); r.Size().Y > 0 {
				w = max(w, r.Size().X)
			}
		}
	}
	return w
}

// render lays the panels out on dc and draws them, each legend in a
// column to the right of its panel.
func (f Figure) render(dc draw.Canvas) {
	plots := make([][]*plot.Plot, len(f.Panels))
	for i, row := range f.Panels {
		for _, p := range row {
			plots[i] = append(plots[i], p.done())
		}
	}
	if f.SharedX {
		shareX(f.Panels)
	}
	gap := vg.Millimeter * 3
	lw := f.legendWidth(dc)
	room := vg.Length(0)
	if lw > 0 {
		room = lw + gap
	}
	tiles := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter*6 + room, PadY: vg.Millimeter * 5,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter*6 + room} // right: an SVG viewer's substitute font may be wider
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j, p := range plots[i] {
			c := canvases[i][j]
			p.Draw(c)
			if lw > 0 {
				lc := c
				lc.Min.X, lc.Max.X = c.Max.X+gap, c.Max.X+gap+lw
				lc.Max.Y -= p.Title.TextStyle.Height(p.Title.Text) + p.Title.Padding // below the title: level with the data's top
				f.Panels[i][j].Legend.Draw(lc)
			}
		}
	}
}

// shareX sets every panel's x range to the union of their ranges.
func shareX(panels [][]*Panel) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range panels {
		for _, p := range row {
			if p.lines > 0 {
				lo, hi = math.Min(lo, p.X.Min), math.Max(hi, p.X.Max)
			}
		}
	}
	if lo > hi {
		return
	}
	for _, row := range panels {
		for _, p := range row {
			if p.lines > 0 {
				p.X.Min, p.X.Max = lo, hi
			}
		}
	}
}

// Colours of the surface figure's overlays.
var (
	grey         = color.Gray{Y: 160}
	contourColor = color.Gray{Y: 235}
	markColor    = color.RGBA{R: 0, G: 160, B: 255, A: 255}
)

// pdfCanvas is vgpdf's canvas with its text in ASCII: vgpdf hands a
// string's UTF-8 bytes to a font encoded in code page 1252, so "·" came
// out "Â·" and "←" as three wrong glyphs.
type pdfCanvas struct{ *vgpdf.Canvas }

func (c pdfCanvas) FillString(f font.Face, pt vg.Point, s string) {
	c.Canvas.FillString(f, pt, asciiText(s))
}

// asciiText writes s in ASCII: the figures' few other characters as
// their usual ASCII spellings, anything else as "?".
func asciiText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case asciiFor[r] != "":
			b.WriteString(asciiFor[r])
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

var asciiFor = map[rune]string{
	'·': "-", '—': "-", '–': "-", '±': "+/-", '←': "<-", '→': "->", '×': "x", '∂': "d", '²': "^2",
	'…': "...", '≤': "<=", '≥': ">=", 'σ': "sigma", '̄': "", '√': "sqrt",
}
