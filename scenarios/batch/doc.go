// Package batch runs a scenario headless and writes its results: JSON Lines
// (a "run" line, one "snapshot" line per snapshot, a "summary" line) or a
// tidy CSV of the snapshots, one row per snapshot and layer. It stops
// cleanly on cancellation, keeping every snapshot already written, and
// treats a diverging run as a result, not an error.
package batch
