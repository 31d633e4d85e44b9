// Package sweeps holds the sweep files built into the binary: Table 1 of
// Glorot & Bengio (2010) on Shapeset (table1.toml for a cluster,
// table1-local.toml sized for one machine), on MNIST, on Fashion-MNIST and
// on a user's CIFAR-10 files, and Fig 11's curves with the pre-trained
// reference (fig11.toml).
// `initscope --sweep NAME` finds them by name; package sweep parses them.
package sweeps

import "embed"

// Files are the sweep files, NAME.toml at the top level.
//
//go:embed *.toml
var Files embed.FS
