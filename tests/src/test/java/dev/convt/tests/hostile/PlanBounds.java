package dev.convt.tests.hostile;

import dev.convt.Problem;

/**
 * The upper bound on a plan's memory that the hostile suite holds every kernel to: proportional to
 * the data (input, output and weight elements), whatever the strides, dilations and pads.
 */
final class PlanBounds {
    private PlanBounds() {}

    /** Bytes per element of data a plan may hold (packed weights + workspace): 64 floats. */
    static final long BYTES_PER_ELEMENT = 4 * 64;

    /** Bytes any plan may hold whatever its size: fixed register-tile and cache-block buffers. */
    static final long FIXED_BYTES = 4L << 20;

    /** {@code 256 · (input + output + weight elements) + 4 MiB}. */
    static long bytes(Problem p) {
        return BYTES_PER_ELEMENT * ((long) p.inputLength() + p.outputLength() + p.weightLength()) + FIXED_BYTES;
    }
}
