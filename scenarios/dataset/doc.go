// Package dataset puts every data set of the laboratory behind one
// interface: a Source opened from a spec string gives an endless, seeded
// training Stream and fixed held-out Test and Probe sets.
//
// Specs:
//
//	shapeset      Shapeset-3x2, generated (package shapeset); 1024 dims, 9 classes
//	tiny          4 Gaussian blobs in 16 dims, generated; for fast tests
//	mnist:DIR     MNIST IDX files (optionally gzipped); 784 dims, 10 classes
//	fashion:DIR   Fashion-MNIST, same files and reader, clothing class names
//	cifar10:DIR   CIFAR-10 binary batches; 3072 dims, 10 classes
//	csv:FILE      one example per line: label, then features
//
// Generated sets draw train, test and probe examples from three independent
// streams derived from the seed, so the three never share an example (short
// of a chance collision of continuous values). File sets hold out part of
// the training file as the probe set and shuffle the rest each epoch with
// the seed; Test and Probe do not depend on the seed.
//
// Sources are safe for concurrent use; each Stream belongs to one goroutine.
package dataset
