package dev.convt.testkit;

import dev.convt.ConvTransposeSpec;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.Arrays;

/**
 * jqwik generators of invalid calls: a valid generated {@link Problem} with exactly one parameter
 * broken ({@link Breakage}: a zero or negative size, a group count that does not divide, an
 * output_padding at the stride, a tuple of the wrong length, a wrong input shape, a short buffer, a
 * negative offset, a bias where none belongs, …), and the word the rejection's message must contain
 * (PyTorch's parameter name where it has one). Every argument of the call is public, so another
 * engine can make the same call through its own API.
 */
public final class InvalidCalls {
    private InvalidCalls() {}

    /** Outputs are surrounded by this many sentinel elements on each side. */
    public static final int MARGIN = 3;
    /** What the output holds before the call; an invalid call must leave it so. */
    public static final float SENTINEL = -12345.5f;

    /** One way to break a valid call, and a word its message must contain. */
    public enum Breakage {
        /** In_channels = 0. */
        IN_CHANNELS_0("in_channels"),
        /** Out_channels = 0. */
        OUT_CHANNELS_0("out_channels"),
        /** Groups = 0. */
        GROUPS_0("groups"),
        /** Groups that does not divide the channel counts. */
        GROUPS_NOT_DIVIDING("divisible by groups"),
        /** A kernel size of 0 in one dimension. */
        KERNEL_0("kernel_size"),
        /** A stride of 0. */
        STRIDE_0("stride"),
        /** A dilation of 0. */
        DILATION_0("dilation"),
        /** A negative padding at the beginning. */
        NEGATIVE_PAD_BEGIN("padding"),
        /** A negative padding at the end. */
        NEGATIVE_PAD_END("padding"),
        /** A negative output_padding. */
        NEGATIVE_OUTPUT_PADDING("output_padding"),
        /** Output_padding equal to max(stride, dilation). */
        OUTPUT_PADDING_NOT_BELOW_STRIDE_OR_DILATION("output_padding"),
        /** A stride tuple one too long. */
        STRIDE_TUPLE_LENGTH("stride"),
        /** A kernel tuple of the wrong length. */
        KERNEL_TUPLE_LENGTH("kernel_size"),
        /** An input with the wrong channel count. */
        WRONG_INPUT_CHANNELS("channels"),
        /** An input shape of the wrong rank. */
        WRONG_INPUT_RANK("input"),
        /** A weight buffer one value short. */
        SHORT_WEIGHT("weight"),
        /** A bias one value short, or a bias where the spec has none. */
        WRONG_BIAS_LENGTH("bias"),
        /** An input buffer one value short. */
        SHORT_INPUT("input"),
        /** An output buffer too short from its offset. */
        SHORT_OUTPUT("output"),
        /** A negative input offset. */
        NEGATIVE_INPUT_OFFSET("input"),
        /** A negative output offset. */
        NEGATIVE_OUTPUT_OFFSET("output"),
        /** A negative weight offset. */
        NEGATIVE_WEIGHT_OFFSET("weight"),
        /** A negative bias offset, or a bias where the spec has none. */
        NEGATIVE_BIAS_OFFSET("bias");

        /** A word the rejection's message must contain. */
        public final String word;

        Breakage(String word) {
            this.word = word;
        }
    }

    /**
     * The arguments of one call through spec → problem → plan → execute, each public so an engine can
     * make the same call; {@link #breakage} changed one of them ({@code null}: the valid call).
     */
    public static final class Call {
        /** The valid problem the call was made from. */
        public final Problem problem;
        /** What was broken, or null for the valid call. */
        public Breakage breakage;
        /** Spec parameters (spatial rank, channels, groups). */
        public int rank, cin, cout, groups;
        /** Per-dimension spec parameters. */
        public int[] kernel, stride, dilation, padBegin, padEnd, outputPadding;
        /** Whether the spec has a bias. */
        public boolean bias;
        /** The input shape, (N, C, *spatial). */
        public int[] inputShape;
        /** Buffers: input, weight, bias (null without), output (sentinel-filled, {@link #MARGIN} around it). */
        public float[] x, w, b, y;
        /** Offsets into the buffers. */
        public int xOff, wOff, bOff, yOff;

        /**
         * The valid call on a problem: small-integer data at offset 1, the output at offset {@link #MARGIN}.
         *
         * @param p the problem
         */
        public Call(Problem p) {
            problem = p;
            ConvTransposeSpec s = p.spec();
            rank = s.rank();
            cin = s.inChannels();
            cout = s.outChannels();
            groups = s.groups();
            kernel = s.kernelSize();
            stride = s.stride();
            dilation = s.dilation();
            padBegin = s.padBegin();
            padEnd = s.padEnd();
            outputPadding = s.outputPadding();
            bias = s.hasBias();
            inputShape = p.inputShape();
            x = TestData.smallInts(p.inputLength() + 1, 1);
            xOff = 1;
            w = TestData.smallInts(p.weightLength() + 1, 2);
            wOff = 1;
            b = bias ? TestData.smallInts(cout + 1, 3) : null;
            bOff = bias ? 1 : 0;
            y = new float[p.outputLength() + 2 * MARGIN];
            Arrays.fill(y, SENTINEL);
            yOff = MARGIN;
        }

        /**
         * Makes the call through convt on a kernel.
         *
         * @param kernel a kernel name
         */
        public void run(String kernel) {
            ConvTransposeSpec spec = ConvTransposeSpec.builder(rank, cin, cout, this.kernel).stride(stride).dilation(dilation)
                    .pads(padBegin, padEnd).outputPadding(outputPadding).groups(groups).bias(bias).build();
            Problem p = spec.problem(inputShape);
            Plan plan = Planner.plan(p, w, wOff, b, bOff, KernelChoice.parse(kernel));
            plan.execute(x, xOff, y, yOff);
        }

        /**
         * Whether the output still holds only {@link #SENTINEL}.
         *
         * @return true when nothing was written
         */
        public boolean outputUntouched() {
            for (float v : y) {
                if (Float.floatToIntBits(v) != Float.floatToIntBits(SENTINEL)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return breakage + " on " + problem;
        }
    }

    /**
     * The call on {@code p} with one parameter broken.
     *
     * @param p        a valid problem
     * @param breakage what to break
     * @param dimGene  which spatial dimension (taken modulo the rank), and a variant where a breakage has two
     * @return the broken call
     */
    public static Call broken(Problem p, Breakage breakage, int dimGene) {
        Call c = new Call(p);
        c.breakage = breakage;
        int d = dimGene % c.rank;
        switch (breakage) {
            case IN_CHANNELS_0 -> c.cin = 0;
            case OUT_CHANNELS_0 -> c.cout = 0;
            case GROUPS_0 -> c.groups = 0;
            case GROUPS_NOT_DIVIDING -> c.groups = c.cin + 1;
            case KERNEL_0 -> c.kernel[d] = 0;
            case STRIDE_0 -> c.stride[d] = 0;
            case DILATION_0 -> c.dilation[d] = 0;
            case NEGATIVE_PAD_BEGIN -> c.padBegin[d] = -1;
            case NEGATIVE_PAD_END -> c.padEnd[d] = -1 - c.padEnd[d];
            case NEGATIVE_OUTPUT_PADDING -> c.outputPadding[d] = -1;
            case OUTPUT_PADDING_NOT_BELOW_STRIDE_OR_DILATION -> c.outputPadding[d] = Math.max(c.stride[d], c.dilation[d]);
            case STRIDE_TUPLE_LENGTH -> c.stride = Arrays.copyOf(c.stride, c.rank + 1);
            case KERNEL_TUPLE_LENGTH -> c.kernel = Arrays.copyOf(c.kernel, c.rank == 3 ? 2 : c.rank + 1); // length 1 is the int form
            case WRONG_INPUT_CHANNELS -> c.inputShape[1] = c.cin + 1 + dimGene;
            case WRONG_INPUT_RANK -> c.inputShape = dimGene % 2 == 0
                    ? Arrays.copyOf(c.inputShape, c.inputShape.length + 1)
                    : Arrays.copyOfRange(c.inputShape, 2, c.inputShape.length);
            case SHORT_WEIGHT -> c.w = Arrays.copyOf(c.w, c.w.length - 1);
            case WRONG_BIAS_LENGTH -> c.b = c.bias ? Arrays.copyOf(c.b, c.b.length - 1) : new float[c.cout];
            case SHORT_INPUT -> c.x = Arrays.copyOf(c.x, c.x.length - 1);
            case SHORT_OUTPUT -> c.yOff = c.y.length - p.outputLength() + 1;
            case NEGATIVE_INPUT_OFFSET -> c.xOff = -1;
            case NEGATIVE_OUTPUT_OFFSET -> c.yOff = -1;
            case NEGATIVE_WEIGHT_OFFSET -> c.wOff = -1;
            case NEGATIVE_BIAS_OFFSET -> {
                if (c.bias) {
                    c.bOff = -1;
                } else {
                    c.b = new float[c.cout + 1]; // a bias where none belongs is the error here
                }
            }
        }
        return c;
    }

    /**
     * Invalid calls: a problem from {@code valid}, a breakage, and a dimension.
     *
     * @param valid the valid problems to break (e.g. {@link Problems#problems(int, int, int, int)})
     * @return the generator; a failure shrinks toward the simplest problem and the first breakage
     */
    public static Arbitrary<Call> invalidCalls(Arbitrary<Problem> valid) {
        return Combinators.combine(valid, Arbitraries.of(Breakage.class), Arbitraries.integers().between(0, 2))
                .as(InvalidCalls::broken);
    }

    /**
     * Invalid calls on rank 1–3 problems.
     *
     * @return the generator
     */
    public static Arbitrary<Call> invalidCalls() {
        return invalidCalls(Problems.problems(1, 3, 2, 4));
    }
}
