package dev.convt.bench;

import dev.convt.Plan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * The runner's {@code --memory heap|native}: where the input and output of each timed execute live.
 * Absent (or {@code array}): {@code float[]}s through {@link Plan#execute(float[], int, float[], int)};
 * {@code heap}: heap segments over float arrays ({@link MemorySegment#ofArray(float[])}); {@code native}:
 * off-heap segments (64-byte aligned, as an engine's allocator gives) through
 * {@link Plan#execute(MemorySegment, long, MemorySegment, long)}.
 */
enum MemoryOption {
    ARRAY, HEAP, NATIVE;

    static final String SYNTAX = "heap or native (or array, the default: float[]s)";

    /**
     * The option's value, {@link #ARRAY} when absent.
     *
     * @throws UsageException naming the option, the value and the choices
     */
    static MemoryOption parse(String command, String text) {
        if (text == null) {
            return ARRAY;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "array" -> ARRAY;
            case "heap" -> HEAP;
            case "native" -> NATIVE;
            default -> throw new UsageException(command + ": --memory takes " + SYNTAX + ", but got '" + text + "'");
        };
    }

    /** {@return the label in reports: "array", "heap" or "native"} */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * One plan's buffers in this memory: the input holds {@code x}; {@link #execute} runs the plan on
     * them; {@link #output} is the output as an array (the array itself for {@link #ARRAY}, else a copy).
     */
    final class Buffers {
        private final float[] x, y;
        private final MemorySegment xs, ys;

        Buffers(float[] x, int outputLength) {
            this.x = x;
            this.y = new float[outputLength];
            switch (MemoryOption.this) {
                case ARRAY -> { xs = null; ys = null; }
                case HEAP -> { xs = MemorySegment.ofArray(x); ys = MemorySegment.ofArray(y); }
                default -> {
                    // freed by the GC with the buffers: the runner makes a few per layer
                    xs = Arena.ofAuto().allocate(4L * x.length, 64);
                    MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT, 0, x.length);
                    ys = Arena.ofAuto().allocate(4L * outputLength, 64);
                }
            }
        }

        /** Runs the plan on these buffers. */
        void execute(Plan plan) {
            if (xs == null) {
                plan.execute(x, 0, y, 0);
            } else {
                plan.execute(xs, 0, ys, 0);
            }
        }

        /** {@return a checksum of the output, read where it lives (see {@link Data#checksum})} */
        double checksum() {
            if (ys == null || MemoryOption.this == HEAP) {
                return Data.checksum(y);
            }
            double s = 0;
            long n = ys.byteSize() / 4;
            long step = Math.max(1, n / 64);
            for (long i = 0; i < n; i += step) {
                s += ys.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            }
            return s;
        }

        /** {@return the output as an array} */
        float[] output() {
            return MemoryOption.this == NATIVE ? ys.toArray(ValueLayout.JAVA_FLOAT) : y;
        }
    }

    /** {@return buffers for a plan's execute in this memory} */
    Buffers buffers(float[] x, int outputLength) {
        return new Buffers(x, outputLength);
    }
}
