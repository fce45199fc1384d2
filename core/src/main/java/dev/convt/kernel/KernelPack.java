package dev.convt.kernel;

/**
 * A kernel's weights (and bias) packed once, for every problem of one spec whose
 * {@link Kernel#packLayout packed layout} is the same: the shape-independent half of
 * {@link Kernel#prepare} (XNNPACK's "create"), kept by {@link dev.convt.PackedWeights} and shared
 * by the plans of every input shape.
 *
 * <p>Immutable once made: plans of many shapes, on many threads, read it at once without
 * synchronisation (it is published to them through {@link dev.convt.PackedWeights}'s lock).
 */
public interface KernelPack {
    /** {@return the bytes this pack holds (packed weights, bias copy), counted once however many plans share it} */
    long packedWeightBytes();
}
