package dev.convt.kernel;

import java.util.Arrays;
import java.util.Locale;

/** Which kernel to use: {@link #AUTO} for the planner's choice, or one kernel by name. */
public enum KernelChoice {
    /** The first kernel in the planner's order that accepts the problem. */
    AUTO,
    /** The scalar reference: the definition of the semantics. Always available. */
    REFERENCE,
    /** Vector API im2col: packed SGEMM into a column buffer, then col2im scatter-add. */
    IM2COL,
    /** Vector API direct scatter: input times kernel taps accumulated straight into the output. */
    SCATTER,
    /** Vector API sub-pixel: one GEMM over every output phase (dense over the input), no overlap-add. */
    SUBPIXEL;

    /** {@return the kernel name, lower case ({@code "im2col"}), as {@link Kernel#name()} gives it} */
    public String kernelName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a kernel name, case-insensitively.
     *
     * @param name a kernel name, e.g. {@code "im2col"}, or {@code "auto"}
     * @return the choice of that name
     * @throws IllegalArgumentException naming the valid choices
     */
    public static KernelChoice parse(String name) {
        for (KernelChoice c : values()) {
            if (c.kernelName().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown kernel '" + name + "': expected one of "
                + Arrays.stream(values()).map(KernelChoice::kernelName).toList());
    }
}
