// Package preset reads scenarios: the built-in presets embedded in the
// binary (presets/*.toml, which reproduce the figures and Table 1 of Glorot
// & Bengio, 2010) and users' scenario files in the same TOML format, each
// key checked against the settings table of package scenarios. It is the
// only package that parses TOML; the rest of scenarios, the records and the
// plots take a Scenario value.
package preset
