// Package surface evaluates a network's costs over a grid of two of its
// weights, one in the first layer and one in the output layer: the cost
// surfaces of Glorot & Bengio (2010), Fig 5, where the cross-entropy
// surface is steeper than the quadratic one, which has plateaus.
package surface
