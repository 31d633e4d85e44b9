// Package diagnosis names in one line of plain words, with numbers, what a
// network's layer profile shows: vanishing or exploding signals, saturated
// or dead layers, or a healthy profile. It reads the statistics of nn
// snapshots only, so the app and the batch mode can share it.
package diagnosis
