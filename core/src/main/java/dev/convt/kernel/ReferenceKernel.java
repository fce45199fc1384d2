package dev.convt.kernel;

import dev.convt.Problem;

/**
 * The scalar reference: the definition every other kernel is judged against. Plain loops in the
 * scatter form of the seeds, {@code Y[i*s - p + t*d] += X[i] * W[t]}, generalised to batch, groups,
 * channels and 1–3 spatial dimensions. Written for clarity, not speed.
 *
 * <h2>Accumulation order (float32)</h2>
 * Every output element starts at its channel's bias (or at +0 without bias). Then, in the loop order
 * batch n → group g → input channel ci (of g) → input position (id, ih, iw) in row-major order →
 * output channel co (of g) → kernel tap (kd, kh, kw) in row-major order, each product
 * {@code x[n, ci, id, ih, iw] * w[ci, co, kd, kh, kw]} is rounded to float32 and then added to the
 * output element it lands on, {@code y[n, g*Cout/g + co, id*sd - pd + kd*dd, ...]}, with a float32
 * addition (Java never fuses the two). Products landing outside the output (cropped by padding)
 * are not computed. Last, the spec's {@link dev.convt.Activation} replaces every output element
 * {@code v} by {@link dev.convt.Activation#apply(float) act(v)} (nothing for none): the definition of
 * the fused output stage.
 *
 * <h2>Counting</h2>
 * With an {@link OpCounter} it counts one multiplication per computed product and one addition per
 * product folded into an accumulator: every product when the spec has a bias; every product but
 * the first that reaches an element when it has none (adding the first product to the +0 start is
 * exact and is the same as starting at that product). Outputs that receive no product cost nothing.
 * {@link dev.convt.cost.CostModels#exact} gives the same two numbers in closed form; the tests
 * check that they agree. The activation is not counted.
 */
public final class ReferenceKernel implements Kernel {
    /** The kernel's name: {@value}. */
    public static final String NAME = "reference";

    /** The reference kernel (stateless). */
    public ReferenceKernel() {}

    @Override
    public String name() { return NAME; }

    @Override
    public String declineReason(Problem problem) { return null; }

    /** Yes: {@link #compute} applies it as the definition. */
    @Override
    public boolean fusesActivation() { return true; }

    /** None: scalar loops, which the JIT compiles on its own within the first execute (no Vector API to box). */
    @Override
    public java.util.List<Problem> warmUpProblems(Problem problem) { return java.util.List.of(); }

    @Override
    public KernelPlan prepare(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        float[] w = java.util.Arrays.copyOfRange(weight, weightOffset, weightOffset + problem.weightLength());
        float[] b = bias == null ? null : java.util.Arrays.copyOfRange(bias, biasOffset, biasOffset + problem.spec().outChannels());
        return plan(problem, new SourceWeights(w, b));
    }

    /** Reads the source weights in place: the reference packs nothing, so a new shape copies nothing. */
    @Override
    public KernelPlan plan(Problem problem, KernelPack pack) {
        SourceWeights source = (SourceWeights) pack;
        float[] w = source.weight(), b = source.bias();
        return (x, xOffset, y, yOffset, workspace) -> compute(problem, x, xOffset, w, 0, b, 0, y, yOffset, OpCounter.NONE);
    }

    /**
     * Computes the problem in float32 (see the class comment for the order), overwriting
     * {@code y[yOffset .. yOffset + outputLength)}. Buffer sizes are assumed checked; the output must
     * not overlap the input, the weight or the bias (it is written while they are read).
     *
     * @param p       the problem
     * @param x       the input, {@code (N, Cin, *in)} row-major from {@code xOffset}
     * @param xOffset where the input starts in {@code x}
     * @param w       the weights, {@code (Cin, Cout/groups, *kernel)} row-major from {@code wOffset}
     * @param wOffset where the weights start in {@code w}
     * @param bias    Cout values from {@code bOffset}; null when the spec has no bias
     * @param bOffset where the bias starts in {@code bias}
     * @param y       the output, {@code (N, Cout, *out)} row-major from {@code yOffset}; overwritten
     * @param yOffset where the output starts in {@code y}
     * @param counter receives the multiplications and additions performed ({@link OpCounter#NONE} for none)
     * @throws IllegalArgumentException if the output overlaps another buffer (nothing is written)
     */
    public static void compute(Problem p, float[] x, int xOffset, float[] w, int wOffset,
                               float[] bias, int bOffset, float[] y, int yOffset, OpCounter counter) {
        int outLength = p.outputLength();
        Problem.checkDisjoint("input", x, xOffset, p.inputLength(), "output", y, yOffset, outLength);
        Problem.checkDisjoint("weight", w, wOffset, p.weightLength(), "output", y, yOffset, outLength);
        Problem.checkDisjoint("bias", bias, bOffset, bias == null ? 0 : p.spec().outChannels(), "output", y, yOffset, outLength);
        int plane = p.outputPlane();
        for (int n = 0; n < p.batch(); n++) {
            for (int co = 0; co < p.spec().outChannels(); co++) {
                float start = bias == null ? 0f : bias[bOffset + co];
                int base = yOffset + (n * p.spec().outChannels() + co) * plane;
                java.util.Arrays.fill(y, base, base + plane, start);
            }
        }
        Sink sink;
        if (counter.enabled()) {
            sink = new CountingFloatSink(x, xOffset, w, wOffset, y, yOffset, p.outputLength(), bias != null, counter);
        } else {
            sink = new FloatSink(x, xOffset, w, wOffset, y, yOffset);
        }
        scatter(p, sink);
        p.spec().activation().apply(y, yOffset, yOffset + outLength);
    }

    /**
     * {@link #compute(Problem, float[], int, float[], int, float[], int, float[], int, OpCounter) compute}
     * without counting.
     *
     * @param p       the problem
     * @param x       the input, {@code (N, Cin, *in)} row-major from {@code xOffset}
     * @param xOffset where the input starts in {@code x}
     * @param w       the weights, {@code (Cin, Cout/groups, *kernel)} row-major from {@code wOffset}
     * @param wOffset where the weights start in {@code w}
     * @param bias    Cout values from {@code bOffset}; null when the spec has no bias
     * @param bOffset where the bias starts in {@code bias}
     * @param y       the output, {@code (N, Cout, *out)} row-major from {@code yOffset}; overwritten
     * @param yOffset where the output starts in {@code y}
     * @throws IllegalArgumentException if the output overlaps another buffer (nothing is written)
     */
    public static void compute(Problem p, float[] x, int xOffset, float[] w, int wOffset,
                               float[] bias, int bOffset, float[] y, int yOffset) {
        compute(p, x, xOffset, w, wOffset, bias, bOffset, y, yOffset, OpCounter.NONE);
    }

    /**
     * The same computation in float64 with the same loop order, for tests that judge float32 error,
     * the activation included ({@link dev.convt.Activation#apply(double)}). Arrays start at index 0;
     * {@code bias} is null without bias; {@code y} is overwritten.
     *
     * @param p    the problem
     * @param x    the input, {@code (N, Cin, *in)}
     * @param w    the weights, {@code (Cin, Cout/groups, *kernel)}
     * @param bias Cout values, or null
     * @param y    the output, {@code (N, Cout, *out)}; must not be {@code x}, {@code w} or {@code bias}
     */
    public static void compute64(Problem p, double[] x, double[] w, double[] bias, double[] y) {
        int plane = p.outputPlane();
        for (int n = 0; n < p.batch(); n++) {
            for (int co = 0; co < p.spec().outChannels(); co++) {
                double start = bias == null ? 0 : bias[co];
                int base = (n * p.spec().outChannels() + co) * plane;
                java.util.Arrays.fill(y, base, base + plane, start);
            }
        }
        scatter(p, new DoubleSink(x, w, y));
        dev.convt.Activation act = p.spec().activation();
        if (!act.isNone()) {
            for (int i = 0; i < p.outputLength(); i++) {
                y[i] = act.apply(y[i]);
            }
        }
    }

    /**
     * For each output element, the sum of |x·w| over the products that land on it, and (in
     * {@code terms}) how many there are: the inputs of DESIGN.md's error bound
     * {@code |y - y64| ≤ c·n·u·Σ|x·w| + |bias|·u}. Arrays start at index 0.
     *
     * @param p      the problem
     * @param x      the input, {@code (N, Cin, *in)}
     * @param w      the weights, {@code (Cin, Cout/groups, *kernel)}
     * @param absSum receives, per output element, {@code Σ|x·w|} over its products (output-sized, overwritten)
     * @param terms  receives, per output element, the number of products (output-sized, overwritten)
     */
    public static void absSumAndTerms(Problem p, double[] x, double[] w, double[] absSum, int[] terms) {
        java.util.Arrays.fill(absSum, 0, p.outputLength(), 0);
        java.util.Arrays.fill(terms, 0, p.outputLength(), 0);
        scatter(p, (yi, xi, wi) -> {
            absSum[yi] += Math.abs(x[xi] * w[wi]);
            terms[yi]++;
        });
    }

    /** Where one product goes: output index, input index, weight index (all without offsets). */
    @FunctionalInterface
    interface Sink {
        void accept(int yIndex, int xIndex, int wIndex);
    }

    /** The loop nest that defines the semantics: every product that lands inside the output, in order. */
    static void scatter(Problem p, Sink sink) {
        int[] in = p.in3(), out = p.out3(), k = p.kernel3(), s = p.stride3(), pad = p.padBegin3(), d = p.dilation3();
        int groups = p.spec().groups();
        int ciPerG = p.spec().inChannelsPerGroup();
        int coPerG = p.spec().outChannelsPerGroup();
        int cin = p.spec().inChannels();
        int cout = p.spec().outChannels();
        int inPlane = p.inputPlane();
        int outPlane = p.outputPlane();
        int taps = k[0] * k[1] * k[2];
        for (int n = 0; n < p.batch(); n++) {
            for (int g = 0; g < groups; g++) {
                for (int cil = 0; cil < ciPerG; cil++) {
                    int ci = g * ciPerG + cil;
                    int xChannel = (n * cin + ci) * inPlane;
                    for (int id = 0; id < in[0]; id++) {
                        for (int ih = 0; ih < in[1]; ih++) {
                            for (int iw = 0; iw < in[2]; iw++) {
                                int xi = xChannel + (id * in[1] + ih) * in[2] + iw;
                                for (int col = 0; col < coPerG; col++) {
                                    int co = g * coPerG + col;
                                    int yChannel = (n * cout + co) * outPlane;
                                    int wFilter = (ci * coPerG + col) * taps;
                                    // positions in long: stride·input and pads may each pass the int range
                                    for (int kd = 0; kd < k[0]; kd++) {
                                        long od = (long) id * s[0] - pad[0] + (long) kd * d[0];
                                        if (od < 0 || od >= out[0]) {
                                            continue;
                                        }
                                        for (int kh = 0; kh < k[1]; kh++) {
                                            long oh = (long) ih * s[1] - pad[1] + (long) kh * d[1];
                                            if (oh < 0 || oh >= out[1]) {
                                                continue;
                                            }
                                            for (int kw = 0; kw < k[2]; kw++) {
                                                long ow = (long) iw * s[2] - pad[2] + (long) kw * d[2];
                                                if (ow < 0 || ow >= out[2]) {
                                                    continue;
                                                }
                                                sink.accept(yChannel + ((int) od * out[1] + (int) oh) * out[2] + (int) ow, xi,
                                                        wFilter + (kd * k[1] + kh) * k[2] + kw);
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private record FloatSink(float[] x, int xo, float[] w, int wo, float[] y, int yo) implements Sink {
        @Override
        public void accept(int yi, int xi, int wi) {
            float product = x[xo + xi] * w[wo + wi];
            y[yo + yi] = y[yo + yi] + product;
        }
    }

    private static final class CountingFloatSink implements Sink {
        private final FloatSink plain;
        private final boolean[] touched;
        private final OpCounter counter;

        CountingFloatSink(float[] x, int xo, float[] w, int wo, float[] y, int yo, int outLength, boolean bias, OpCounter counter) {
            this.plain = new FloatSink(x, xo, w, wo, y, yo);
            this.touched = bias ? null : new boolean[outLength];
            this.counter = counter;
        }

        @Override
        public void accept(int yi, int xi, int wi) {
            plain.accept(yi, xi, wi);
            counter.multiplications(1);
            if (touched == null || touched[yi]) {
                counter.additions(1);
            } else {
                touched[yi] = true;
            }
        }
    }

    private record DoubleSink(double[] x, double[] w, double[] y) implements Sink {
        @Override
        public void accept(int yi, int xi, int wi) {
            y[yi] += x[xi] * w[wi];
        }
    }
}
