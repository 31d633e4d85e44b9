package tui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are every style of the app, all made by one renderer so that each
// SSH session gets its own terminal's colors (and none under NO_COLOR).
// Colors are adaptive: the first of each pair is for light backgrounds.
type Styles struct {
	r *lipgloss.Renderer

	Title, Tab, TabActive, Status     lipgloss.Style
	Label, Value, Dim, Hint, Selected lipgloss.Style
	Good, Warn, Bad                   lipgloss.Style
	Act, Std, Pct, Grad, WGrad, Sat   lipgloss.Style // chart series
	Theory                            lipgloss.Style
	Box                               lipgloss.Style
}

func color(light, dark string) lipgloss.AdaptiveColor {
	return lipgloss.AdaptiveColor{Light: light, Dark: dark}
}

// Plain reports whether the styles draw without colour (NO_COLOR, or a
// terminal without it): charts then tell their series apart by glyph.
func (s Styles) Plain() bool { return s.r.ColorProfile() == termenv.Ascii }

// NewStyles derives the styles from r (nil: lipgloss's default renderer).
func NewStyles(r *lipgloss.Renderer) Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	s := r.NewStyle
	accent := color("#5A3FC0", "#B69CFF")
	return Styles{
		r:         r,
		Title:     s().Bold(true).Foreground(accent),
		Tab:       s().Foreground(color("#555555", "#A8A8A8")),
		TabActive: s().Bold(true).Underline(true).Foreground(accent),
		Status:    s().Foreground(color("#1F1F1F", "#EDEDED")),
		Label:     s().Foreground(color("#555555", "#A8A8A8")),
		Value:     s().Bold(true),
		Dim:       s().Foreground(color("#8A8A8A", "#6C6C6C")),
		Hint:      s().Foreground(color("#6C6C6C", "#8A8A8A")),
		Selected:  s().Bold(true).Reverse(true),
		Good:      s().Foreground(color("#1B7F3B", "#6BE08F")),
		Warn:      s().Foreground(color("#9A6200", "#F5C15B")),
		Bad:       s().Bold(true).Foreground(color("#B3261E", "#FF7A70")),
		Act:       s().Foreground(color("#1660A8", "#6FB7FF")),
		Std:       s().Foreground(color("#0E7C86", "#5FE0E8")),
		Pct:       s().Foreground(color("#8A5A00", "#E8B45F")),
		Grad:      s().Foreground(color("#A2327A", "#FF8AD0")),
		WGrad:     s().Foreground(color("#5A3FC0", "#B69CFF")),
		Sat:       s().Foreground(color("#B3261E", "#FF9A70")),
		Theory:    s().Foreground(color("#6C6C6C", "#9E9E9E")).Italic(true),
		Box:       s().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
	}
}
