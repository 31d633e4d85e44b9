// Package scenarios defines experiments: a data set, a network, its
// initialization, cost and training schedule, with a name and a one-line
// description. Built-in presets reproduce the figures and Table 1 of Glorot
// & Bengio (2010); users write their own in the same TOML format and pass
// the file's path. A Runner trains a scenario step by step and takes
// snapshots; the batch mode, the interactive app and the SSH demo all drive
// the same Runner.
package scenarios
