package dev.convt;

import java.util.Arrays;
import java.util.Objects;

/**
 * One transposed convolution to compute: a {@link ConvTransposeSpec} applied to an input of a
 * known shape. Immutable; every size in it is checked to fit Java arrays.
 *
 * <p>Buffers are row-major: input {@code (N, Cin, *inSpatial)}, output {@code (N, Cout, *outSpatial)}
 * (or channels last, {@code (N, *spatial, C)}, with {@link #withLayout}; shapes are reported logically
 * in both), weight {@code (Cin, Cout/groups, *kernel)}, bias {@code (Cout)}. An unbatched problem (PyTorch's
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
    private final int inputLength, outputLength, inputPlane, outputPlane;
    private final Layout layout;

    private Problem(ConvTransposeSpec spec, int batch, boolean batched, int[] inSpatial) {
        this(spec, batch, batched, inSpatial, Layout.CHANNELS_FIRST);
    }

    private Problem(ConvTransposeSpec spec, int batch, boolean batched, int[] inSpatial, Layout layout) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.layout = Objects.requireNonNull(layout, "layout");
        if (batch < 0) {
            throw new IllegalArgumentException("batch size must be non-negative, but got N=" + batch);
        }
        this.batch = batch;
        this.batched = batched;
        this.inSpatial = inSpatial.clone();
        this.outSpatial = spec.outputSpatial(this.inSpatial);
        // every size below is checked once here, so the int accessors cannot wrap
        Sizes.elements("the input tensor", shape(1, spec.inChannels(), this.inSpatial));
        Sizes.elements("the output tensor", shape(1, spec.outChannels(), this.outSpatial));
        this.inputLength = Sizes.elements("the input tensor", inputShapeBatched());
        this.outputLength = Sizes.elements("the output tensor", outputShapeBatched());
        this.inputPlane = Sizes.elements("the input plane", this.inSpatial);
        this.outputPlane = Sizes.elements("the output plane", this.outSpatial);
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
        if (isBatched && n < 0) {
            throw new IllegalArgumentException("batch size must be non-negative, but got input of size " + Arrays.toString(inputShape));
        }
        return new Problem(spec, n, isBatched, Arrays.copyOfRange(inputShape, isBatched ? 2 : 1, inputShape.length));
    }

    /**
     * This problem with the {@code output_padding} that gives the requested output size, as PyTorch's
     * {@code forward(x, output_size)} ({@code _output_padding}); the spec's own output_padding is replaced.
     *
     * @param outputSize the spatial sizes, or the full output shape matching the input's form
     *                   ((N, Cout, *spatial) for a batched input, (Cout, *spatial) for an unbatched one);
     *                   only the spatial entries of a full shape are used, as in PyTorch
     * @return a new problem over the same input whose output has exactly those spatial sizes
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
        return new Problem(spec.withOutputSize(inSpatial, outputSize), batch, batched, inSpatial, layout);
    }

    /**
     * This problem with its input and output stored in another {@link Layout}: the same shapes (still
     * reported logically, {@code (N, C, *spatial)}), the same buffer lengths, the same result, element
     * {@code (n, c, *s)} found where the layout puts it. Every kernel computes every layout (a kernel
     * that does not read or write it natively runs behind a transposing stage, see
     * {@link dev.convt.kernel.Kernel#readsLayout}); the weights keep PyTorch's layout.
     *
     * @param layout the layout of the input and the output
     * @return this problem if it has that layout already, else a new one
     * @throws NullPointerException if {@code layout} is null
     */
    public Problem withLayout(Layout layout) {
        Objects.requireNonNull(layout, "layout");
        return layout == this.layout ? this : new Problem(spec, batch, batched, inSpatial, layout);
    }

    /** {@return how the input and output are stored: {@link Layout#CHANNELS_FIRST} (PyTorch's default) unless set by {@link #withLayout}} */
    public Layout layout() { return layout; }

    /** {@return the layer's hyper-parameters} */
    public ConvTransposeSpec spec() { return spec; }
    /** {@return N, the batch size (1 for an unbatched problem; 0 for an empty batch)} */
    public int batch() { return batch; }
    /** {@return whether the caller's shapes carry the batch dimension} */
    public boolean isBatched() { return batched; }
    /** {@return the number of spatial dimensions: 1, 2 or 3} */
    public int rank() { return spec.rank(); }
    /** {@return a copy of the input's spatial sizes, outermost first ({@code (H, W)} in 2-D)} */
    public int[] inputSpatial() { return inSpatial.clone(); }

    /**
     * The input's size along one spatial axis, without copying {@link #inputSpatial()}.
     *
     * @param dim the axis, {@code 0 ≤ dim < rank}
     * @return the input's size along it
     */
    public int inputSpatialSize(int dim) { return inSpatial[dim]; }
    /** {@return a copy of the output's spatial sizes, outermost first} */
    public int[] outputSpatial() { return outSpatial.clone(); }

    /** {@return the input shape as the caller gives it, logically (whatever the {@link #layout()}): {@code (N, Cin, *in)} or {@code (Cin, *in)} (a new array)} */
    public int[] inputShape() { return batched ? inputShapeBatched() : drop1(inputShapeBatched()); }
    /** {@return the output shape as the caller gets it, logically (whatever the {@link #layout()}): {@code (N, Cout, *out)} or {@code (Cout, *out)} (a new array)} */
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

    /** {@return Π inSpatial: positions in one input channel} */
    public int inputPlane() { return inputPlane; }
    /** {@return Π outSpatial: positions in one output channel} */
    public int outputPlane() { return outputPlane; }
    /** {@return the elements of the input tensor, N·Cin·Π in (0 for an empty batch)} */
    public int inputLength() { return inputLength; }
    /** {@return the elements of the output tensor, N·Cout·Π out (0 for an empty batch)} */
    public int outputLength() { return outputLength; }
    /** {@return whether there is nothing to compute: an empty batch (N = 0), whose output is empty, as in PyTorch and ONNX Runtime} */
    public boolean isEmpty() { return batch == 0; }
    /** {@return the elements of the weight tensor, Cin·(Cout/groups)·Π kernel} */
    public int weightLength() { return spec.weightLength(); }
    /** {@return the elements of the bias vector: Cout, or 0 without bias} */
    public int biasLength() { return spec.hasBias() ? spec.outChannels() : 0; }

    /** {@return the input spatial sizes as 3 dimensions (depth, height, width), leading 1s added (a new array)} */
    public int[] in3() { return to3(inSpatial, 1); }
    /** {@return the output spatial sizes as 3 dimensions, leading 1s added (a new array)} */
    public int[] out3() { return to3(outSpatial, 1); }
    /** {@return the kernel size as 3 dimensions, leading 1s added (a new array)} */
    public int[] kernel3() { return to3(spec.kernelSize(), 1); }
    /** {@return the stride as 3 dimensions, leading 1s added (a new array)} */
    public int[] stride3() { return to3(spec.stride(), 1); }
    /** {@return the padding before each dimension as 3 dimensions, leading 0s added (a new array)} */
    public int[] padBegin3() { return to3(spec.padBegin(), 0); }
    /** {@return the padding after each dimension as 3 dimensions, leading 0s added (a new array)} */
    public int[] padEnd3() { return to3(spec.padEnd(), 0); }
    /** {@return the dilation as 3 dimensions, leading 1s added (a new array)} */
    public int[] dilation3() { return to3(spec.dilation(), 1); }
    /** {@return the output padding as 3 dimensions, leading 0s added (a new array)} */
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
     * @param name   names the buffer in the messages ({@code "input"}, {@code "weight"}, ...)
     * @param buf    the buffer
     * @param offset where the tensor starts in {@code buf}
     * @param length the elements the tensor needs
     * @param shape  the tensor's shape, for the message only
     * @throws NullPointerException     if {@code buf} is null
     * @throws IllegalArgumentException if the offset is negative or the buffer is too small (each with its own message)
     */
    public static void checkBuffer(String name, float[] buf, int offset, int length, int[] shape) {
        Objects.requireNonNull(buf, name);
        if (offset < 0) {
            throw new IllegalArgumentException(name + " offset must be non-negative, but got a negative offset: offset="
                    + offset + " (" + name + ".length=" + buf.length + ")");
        }
        if ((long) offset + length > buf.length) {
            throw new IllegalArgumentException(name + " buffer too small: " + name + ".length=" + buf.length
                    + ", offset=" + offset + ", but shape " + Arrays.toString(shape) + " needs " + length
                    + " elements from the offset");
        }
    }

    /**
     * Checks an input buffer for this problem (see {@link #checkBuffer}); allocates nothing when it passes.
     *
     * @param x      the input, {@link #inputShape()} row-major from {@code offset}
     * @param offset where the input starts in {@code x}
     * @throws NullPointerException     if {@code x} is null
     * @throws IllegalArgumentException if the offset is negative or {@code x} is too small
     */
    public void checkInput(float[] x, int offset) {
        // the shape (an allocation) is built only for the message: Plan.execute must not allocate
        if (x == null || !fits(x, offset, inputLength())) {
            checkBuffer("input", x, offset, inputLength(), inputShape());
        }
    }
    /**
     * Checks an output buffer for this problem (see {@link #checkBuffer}); allocates nothing when it passes.
     *
     * @param y      the output, {@link #outputShape()} row-major from {@code offset}
     * @param offset where the output starts in {@code y}
     * @throws NullPointerException     if {@code y} is null
     * @throws IllegalArgumentException if the offset is negative or {@code y} is too small
     */
    public void checkOutput(float[] y, int offset) {
        if (y == null || !fits(y, offset, outputLength())) {
            checkBuffer("output", y, offset, outputLength(), outputShape());
        }
    }

    /**
     * Checks the input and output buffers of one execution: each as {@link #checkInput} and
     * {@link #checkOutput}, and that they do not overlap. Kernels write the output while they still
     * read the input, so an input and output sharing elements would give wrong values: the same array
     * is allowed only with disjoint ranges.
     *
     * @param x       the input
     * @param xOffset where the input starts in {@code x}
     * @param y       the output
     * @param yOffset where the output starts in {@code y}
     * @throws NullPointerException     if a buffer is null
     * @throws IllegalArgumentException if a buffer is bad or the two ranges overlap (nothing is written)
     */
    public void checkExecution(float[] x, int xOffset, float[] y, int yOffset) {
        checkInput(x, xOffset);
        checkOutput(y, yOffset);
        checkDisjoint("input", x, xOffset, inputLength(), "output", y, yOffset, outputLength());
    }

    /**
     * Checks that a range read by a kernel and the range it writes share no element. Ranges in different
     * arrays, and empty ranges, never overlap.
     *
     * @param readName    names the range read, in the message
     * @param read        the array read
     * @param readOffset  the first element read
     * @param readLength  the elements read
     * @param writeName   names the range written, in the message
     * @param write       the array written
     * @param writeOffset the first element written
     * @param writeLength the elements written
     * @throws IllegalArgumentException naming both ranges if they are in the same array and overlap
     */
    public static void checkDisjoint(String readName, float[] read, int readOffset, int readLength,
                                     String writeName, float[] write, int writeOffset, int writeLength) {
        if (read != write || readLength == 0 || writeLength == 0) {
            return;
        }
        long readEnd = (long) readOffset + readLength, writeEnd = (long) writeOffset + writeLength;
        if (readOffset < writeEnd && writeOffset < readEnd) {
            throw new IllegalArgumentException(readName + " and " + writeName + " overlap: they are the same array and "
                    + readName + " [" + readOffset + ", " + readEnd + ") shares elements with " + writeName + " ["
                    + writeOffset + ", " + writeEnd + "); the " + writeName + " must not overlap the " + readName);
        }
    }

    private static boolean fits(float[] buf, int offset, int length) {
        return offset >= 0 && (long) offset + length <= buf.length;
    }
    /**
     * Checks a weight buffer of shape (Cin, Cout/groups, *kernel).
     *
     * @param w      the weights, PyTorch's layout, row-major from {@code offset}
     * @param offset where the weights start in {@code w}
     * @throws NullPointerException     if {@code w} is null
     * @throws IllegalArgumentException if the offset is negative or {@code w} is too small
     */
    public void checkWeight(float[] w, int offset) { checkWeight(spec, w, offset); }

    /** {@link #checkWeight(float[], int)} for a spec alone (see {@link PackedWeights}). */
    static void checkWeight(ConvTransposeSpec spec, float[] w, int offset) {
        checkBuffer("weight", w, offset, spec.weightLength(), spec.weightShape());
    }

    /**
     * Checks a bias buffer: required of length Cout with bias, and must be null without.
     *
     * @param b      the bias, Cout values from {@code offset}, or null for a spec without bias
     * @param offset where the bias starts in {@code b}
     * @throws IllegalArgumentException if present when the spec has no bias, or missing or short when it has
     */
    public void checkBias(float[] b, int offset) { checkBias(spec, b, offset); }

    /** {@link #checkBias(float[], int)} for a spec alone (see {@link PackedWeights}). */
    static void checkBias(ConvTransposeSpec spec, float[] b, int offset) {
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

    /**
     * Whether {@code o} has this problem's input spatial shape, layout and output_padding: with a spec
     * equal up to output_padding, all that a kernel's batch-free geometry depends on besides the spec
     * (see {@link PackedWeights}). Allocates nothing.
     */
    boolean sameGeometry(Problem o) {
        if (layout != o.layout || !Arrays.equals(inSpatial, o.inSpatial) || spec.rank() != o.spec.rank()) {
            return false;
        }
        for (int d = 0; d < spec.rank(); d++) {
            if (spec.outputPadding(d) != o.spec.outputPadding(d)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Problem p && spec.equals(p.spec) && batch == p.batch && batched == p.batched
                && Arrays.equals(inSpatial, p.inSpatial) && layout == p.layout;
    }

    @Override
    public int hashCode() {
        return Objects.hash(spec, batch, batched, Arrays.hashCode(inSpatial), layout);
    }

    @Override
    public String toString() {
        String stored = layout == Layout.CHANNELS_FIRST ? "" : " " + layout.name(rank());
        return spec + " on " + Arrays.toString(inputShape()) + stored + " -> " + Arrays.toString(outputShape()) + stored;
    }
}
