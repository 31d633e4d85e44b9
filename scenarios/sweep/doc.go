// Package sweep runs a grid of scenarios: a sweep file's [base] settings
// crossed with its [vary] lists, expanded into a numbered list of runs in
// an order that depends only on the file; shards of that list for cluster
// engines (Kubernetes Indexed Jobs, Slurm job arrays); a runner that writes
// one JSON Lines file per run into a shared directory, safely when workers
// are killed or several share the directory; and the report that reads the
// finished files back (tables, Table 1 of Glorot & Bengio 2010, figures).
package sweep
