/**
 * Closed-form operation counts of a transposed convolution: the published estimate, the exact count of
 * the scatter reference, and the dense (zero-stuffed) count, with the identity that links them and the
 * project's definition of GFLOP/s ({@link dev.convt.cost.CostModels}).
 */
package dev.convt.cost;
