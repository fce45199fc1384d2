package dev.convt;

import java.util.Arrays;
import java.util.Objects;

/**
 * One transposed convolution to compute: a {@link ConvTransposeSpec} applied to an input of a
 * known shape. Immutable; every size in it is checked to fit Java arrays.
 *
 * <p>Buffers are row-major: input {@code (N, Cin, *inSpatial)}, output {@code (N, Cout, *outSpatial)},
 * weight {@code (Cin, Cout/groups, *kernel)}, bias {@code (Cout)}. An unbatched problem (PyTorch's
 * {@code (Cin, *spatial)} input) has {@code N = 1} and reports shapes without the batch dimension.
 *
 * <p>Kernels see every problem as 3-D: {@link #in3()}, {@link #out3()} and the {@code *3()} tuples put
 * size-1 dimensions (kernel 1, stride 1, no padding, dilation 1) in front of the real ones, which
 * leaves the result unchanged.
 */
public final class Problem {
    private final ConvTransposeSpec spec;
    private final int batch;
    private final boolean batched;
    private final int[] inSpatial;
    private final int[] outSpatial;

    private Problem(ConvTransposeSpec spec, int batch, boolean batched, int[] inSpatial) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be positive, but got N=" + batch);
        }
        this.batch = batch;
        this.batched = batched;
        this.inSpatial = inSpatial.clone();
        this.outSpatial = spec.outputSpatial(this.inSpatial);
        checkFits("input", inputShapeBatched());
        checkFits("output", outputShapeBatched());
        spec.weightLength();
    }

    static Problem batched(ConvTransposeSpec spec, int batch, int[] inSpatial) {
        return new Problem(spec, batch, true, inSpatial);
    }

    static Problem of(ConvTransposeSpec spec, int[] inputShape) {
        Objects.requireNonNull(inputShape, "input shape");
        int r = spec.rank();
        boolean isBatched;
        if (inputShape.length == r + 2) {
            isBatched = true;
        } else if (inputShape.length == r + 1) {
            isBatched = false;
        } else {
            throw new IllegalArgumentException("Expected " + (r + 1) + "D (unbatched) or " + (r + 2)
                    + "D (batched) input to conv_transpose" + r + "d, but got input of size: " + Arrays.toString(inputShape));
        }
        int c = inputShape[isBatched ? 1 : 0];
        if (c != spec.inChannels()) {
            throw new IllegalArgumentException("expected input" + Arrays.toString(inputShape) + " to have "
                    + spec.inChannels() + " channels, but got " + c + " channels instead");
        }
        int n = isBatched ? inputShape[0] : 1;
        if (isBatched && n < 1) {
            throw new IllegalArgumentException("batch size must be positive, but got input of size " + Arrays.toString(inputShape));
        }
        return new Problem(spec, n, isBatched, Arrays.copyOfRange(inputShape, isBatched ? 2 : 1, inputShape.length));
    }

    private static void checkFits(String what, int[] shape) {
        long n = ConvTransposeSpec.product(shape);
        // product of ints ≤ 2^31 each can overflow a long only past 3 factors of 2^31; recompute safely
        double approx = 1;
        for (int v : shape) {
            approx *= v;
        }
        if (approx > Integer.MAX_VALUE || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the " + what + " tensor " + Arrays.toString(shape) + " has "
                    + (approx > 9e18 ? String.format("%.3g", approx) : Long.toString(n))
                    + " elements, more than a Java array holds (" + Integer.MAX_VALUE + ")");
        }
    }

    /**
     * This problem with the {@code output_padding} that gives the requested output size, as PyTorch's
     * {@code forward(x, output_size)} ({@code _output_padding}); the spec's own output_padding is replaced.
     *
     * @param outputSize the spatial sizes, or the full output shape matching the input's form
     *                   ((N, Cout, *spatial) for a batched input, (Cout, *spatial) for an unbatched one);
     *                   only the spatial entries of a full shape are used, as in PyTorch
     * @throws IllegalArgumentException if the length is wrong (PyTorch's message) or a size is outside
     *                                  {@code [min, min + stride - 1]} (see {@link ConvTransposeSpec#withOutputSize})
     */
    public Problem withOutputSize(int... outputSize) {
        Objects.requireNonNull(outputSize, "output_size");
        int r = spec.rank();
        int nonSpatial = batched ? 2 : 1;
        if (outputSize.length != r && outputSize.length != r + nonSpatial) {
            throw new IllegalArgumentException("ConvTranspose" + r + "D: for " + (r + nonSpatial) + "D input, output_size must have "
                    + r + " or " + (r + nonSpatial) + " elements (got " + outputSize.length + ": " + Arrays.toString(outputSize) + ")");
        }
        return new Problem(spec.withOutputSize(inSpatial, outputSize), batch, batched, inSpatial);
    }

    public ConvTransposeSpec spec() { return spec; }
    /** N (1 for an unbatched problem). */
    public int batch() { return batch; }
    /** Whether the caller's shapes carry the batch dimension. */
    public boolean isBatched() { return batched; }
    public int rank() { return spec.rank(); }
    public int[] inputSpatial() { return inSpatial.clone(); }
    public int[] outputSpatial() { return outSpatial.clone(); }

    /** Input shape as the caller gives it: {@code (N, Cin, *in)} or {@code (Cin, *in)}. */
    public int[] inputShape() { return batched ? inputShapeBatched() : drop1(inputShapeBatched()); }
    /** Output shape as the caller gets it: {@code (N, Cout, *out)} or {@code (Cout, *out)}. */
    public int[] outputShape() { return batched ? outputShapeBatched() : drop1(outputShapeBatched()); }

    private int[] inputShapeBatched() { return shape(batch, spec.inChannels(), inSpatial); }
    private int[] outputShapeBatched() { return shape(batch, spec.outChannels(), outSpatial); }

    private static int[] shape(int n, int c, int[] spatial) {
        int[] s = new int[spatial.length + 2];
        s[0] = n;
        s[1] = c;
        System.arraycopy(spatial, 0, s, 2, spatial.length);
        return s;
    }

    private static int[] drop1(int[] s) {
        return Arrays.copyOfRange(s, 1, s.length);
    }

    /** Π inSpatial: positions in one input channel. */
    public int inputPlane() { return (int) ConvTransposeSpec.product(inSpatial); }
    /** Π outSpatial: positions in one output channel. */
    public int outputPlane() { return (int) ConvTransposeSpec.product(outSpatial); }
    /** Elements of the input tensor, N·Cin·Π in. */
    public int inputLength() { return batch * spec.inChannels() * inputPlane(); }
    /** Elements of the output tensor, N·Cout·Π out. */
    public int outputLength() { return batch * spec.outChannels() * outputPlane(); }
    /** Elements of the weight tensor, Cin·(Cout/groups)·Π kernel. */
    public int weightLength() { return spec.weightLength(); }
    /** Elements of the bias vector: Cout, or 0 without bias. */
    public int biasLength() { return spec.hasBias() ? spec.outChannels() : 0; }

    /** Input spatial sizes as 3 dimensions (depth, height, width), leading 1s added. */
    public int[] in3() { return to3(inSpatial, 1); }
    /** Output spatial sizes as 3 dimensions. */
    public int[] out3() { return to3(outSpatial, 1); }
    public int[] kernel3() { return to3(spec.kernelSize(), 1); }
    public int[] stride3() { return to3(spec.stride(), 1); }
    public int[] padBegin3() { return to3(spec.padBegin(), 0); }
    public int[] padEnd3() { return to3(spec.padEnd(), 0); }
    public int[] dilation3() { return to3(spec.dilation(), 1); }
    public int[] outputPadding3() { return to3(spec.outputPadding(), 0); }

    private static int[] to3(int[] a, int fill) {
        int[] r = new int[3];
        Arrays.fill(r, fill);
        System.arraycopy(a, 0, r, 3 - a.length, a.length);
        return r;
    }

    /**
     * Checks that {@code buf} holds {@code length} elements from {@code offset}.
     *
     * @throws NullPointerException     if {@code buf} is null
     * @throws IllegalArgumentException if the offset is negative or the buffer is too small
     */
    public static void checkBuffer(String name, float[] buf, int offset, int length, int[] shape) {
        Objects.requireNonNull(buf, name);
        if (offset < 0 || (long) offset + length > buf.length) {
            throw new IllegalArgumentException(name + " buffer too small: " + name + ".length=" + buf.length
                    + ", offset=" + offset + ", but shape " + Arrays.toString(shape) + " needs " + length
                    + " elements from the offset");
        }
    }

    /** Checks an input buffer for this problem (see {@link #checkBuffer}). */
    public void checkInput(float[] x, int offset) {
        // the shape (an allocation) is built only for the message: Plan.execute must not allocate
        if (x == null || !fits(x, offset, inputLength())) {
            checkBuffer("input", x, offset, inputLength(), inputShape());
        }
    }
    /** Checks an output buffer for this problem (see {@link #checkBuffer}). */
    public void checkOutput(float[] y, int offset) {
        if (y == null || !fits(y, offset, outputLength())) {
            checkBuffer("output", y, offset, outputLength(), outputShape());
        }
    }

    private static boolean fits(float[] buf, int offset, int length) {
        return offset >= 0 && (long) offset + length <= buf.length;
    }
    /** Checks a weight buffer of shape (Cin, Cout/groups, *kernel). */
    public void checkWeight(float[] w, int offset) { checkBuffer("weight", w, offset, weightLength(), spec.weightShape()); }

    /**
     * Checks a bias buffer: required of length Cout with bias, and must be null without.
     *
     * @throws IllegalArgumentException if present when the spec has no bias, or missing or short when it has
     */
    public void checkBias(float[] b, int offset) {
        if (!spec.hasBias()) {
            if (b != null) {
                throw new IllegalArgumentException("bias given but the layer was built with bias=false");
            }
            return;
        }
        if (b == null) {
            throw new IllegalArgumentException("bias missing: the layer was built with bias=true and needs "
                    + spec.outChannels() + " values (out_channels)");
        }
        checkBuffer("bias", b, offset, spec.outChannels(), new int[] {spec.outChannels()});
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Problem p && spec.equals(p.spec) && batch == p.batch && batched == p.batched
                && Arrays.equals(inSpatial, p.inSpatial);
    }

    @Override
    public int hashCode() {
        return Objects.hash(spec, batch, batched, Arrays.hashCode(inSpatial));
    }

    @Override
    public String toString() {
        return spec + " on " + Arrays.toString(inputShape()) + " -> " + Arrays.toString(outputShape());
    }
}
