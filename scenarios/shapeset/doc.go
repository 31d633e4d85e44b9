// Package shapeset generates Shapeset-3x2, the synthetic image data set of
// Glorot & Bengio (2010): 32x32 grey images holding one or two triangles,
// parallelograms or ellipses, labelled by which shapes are present.
//
// The stream is infinite and deterministic from a seed. Each image is drawn
// as follows (the numbers are those of the authors' published generator as
// quoted in PAPER.md; where the paper is silent the choice is ours and is
// marked "ours"):
//
//   - count: 1 or 2 objects with probability 1/2 each;
//   - types: each object is a triangle, parallelogram or ellipse, uniform and
//     independent, drawn before any geometry so that the label distribution is
//     exactly the sampling scheme's (see ClassProb);
//   - shape parameters (ours): a triangle's three angles are each at least 25
//     degrees; a parallelogram has side ratio in [0.4, 1] and corner angle in
//     [45, 90] degrees; an ellipse has axis ratio in [0.4, 1] and is drawn as
//     a filled 20-gon;
//   - scale: the diameter of the circle around the object's centroid through
//     its farthest vertex is 0.2 to 0.8 of the image side, uniform;
//   - rotation: uniform in [0, 2pi);
//   - translation: uniform among the positions that keep every vertex inside
//     the image, so objects lie fully inside;
//   - grey levels: the background is uniform in [0, 0.45] and every object has
//     its own level, uniform in [0.55, 1]; with probability 1/2 the two ranges
//     are swapped (dark objects on a light background). Two objects may get
//     close levels; where they touch they then merge, as in the original;
//   - occlusion: the second object is painted over the first. It may overlap
//     the first by at most half of the smaller object's area (overlap pixels /
//     min(area1, area2) <= 0.5), which satisfies both readings of the paper's
//     "at most 50% of its area". After 50 rejected placements of the second
//     object, both objects are resampled (their types are kept);
//   - degenerate objects (ours): an object covering fewer than MinPixels pixel
//     centres is redrawn;
//   - raster: a pixel belongs to an object when its centre lies inside the
//     polygon; no anti-aliasing;
//   - pixels: grey level g in [0, 1] is stored as 2g-1, in [-1, 1].
//
// Draw makes no allocations and runs at a few hundred thousand images per
// second on one core, far faster than a network can consume them.
package shapeset
