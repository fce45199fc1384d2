package dev.convt.kernel;

import dev.convt.Problem;

/**
 * The batch-free part of a kernel's plans for one input shape over one pack: what XNNPACK's reshape
 * computes once per spatial shape (the kernel's tables along each axis, its blocking), made by
 * {@link Kernel#geometry} for one problem and then shared by the plans of every problem that differs
 * from that one in its batch size alone. {@link dev.convt.PackedWeights} keeps a few of them, so a new
 * batch size on a known input shape makes only the batch's own part of a plan (its workspace sizes,
 * its per-thread workspace holder).
 *
 * <p>Immutable once made: plans of many batch sizes, on many threads, read it at once without
 * synchronisation. The plans it makes are bit for bit those {@link Kernel#plan(Problem, KernelPack)}
 * makes for the same problem and pack.
 */
public interface KernelGeometry {
    /**
     * The plan of a problem that differs from the one this geometry was made for at most in its batch
     * size (and whether it is batched): the same spec (up to nothing else), input shape and layout.
     *
     * @param problem the problem, of the geometry's spec, input shape and layout, with a batch ≥ 1
     * @return the plan, sharing this geometry's tables and the pack
     */
    KernelPlan plan(Problem problem);

    /** {@return the bytes of the tables this geometry holds (shared by its plans), for {@link dev.convt.PackedWeights}'s count} */
    default long tableBytes() { return 0; }
}
