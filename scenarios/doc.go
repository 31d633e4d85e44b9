// Package scenarios defines experiments: a data set, a network, its
// initialization, cost and training schedule, with a name and a one-line
// description, and the table of its settings (keys, flags, ranges,
// defaults). Package preset reads them from the built-in presets and from
// scenario files. A Runner trains a scenario step by step and takes
// snapshots; an Engine owns a run, and the batch mode, the interactive app
// and the SSH demo all drive it.
package scenarios
