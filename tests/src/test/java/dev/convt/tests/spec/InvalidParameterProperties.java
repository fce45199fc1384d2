package dev.convt.tests.spec;

import dev.convt.ConvTransposeSpec;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.tests.support.Problems;
import dev.convt.tests.support.TestData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every invalid parameter, applied to an otherwise valid generated problem, gets an
 * {@link IllegalArgumentException} whose message names the parameter, and the caller's output buffer
 * (prefilled with a sentinel) is untouched. The whole path is exercised: spec, problem, plan, execute,
 * on every available kernel.
 */
class InvalidParameterProperties {
    private static final float SENTINEL = -12345.5f;
    private static final int MARGIN = 3;

    /** One way to break a valid call, and a word its message must contain. */
    enum Breakage {
        IN_CHANNELS_0("in_channels"),
        OUT_CHANNELS_0("out_channels"),
        GROUPS_0("groups"),
        GROUPS_NOT_DIVIDING("divisible by groups"),
        KERNEL_0("kernel_size"),
        STRIDE_0("stride"),
        DILATION_0("dilation"),
        NEGATIVE_PAD_BEGIN("padding"),
        NEGATIVE_PAD_END("padding"),
        NEGATIVE_OUTPUT_PADDING("output_padding"),
        OUTPUT_PADDING_NOT_BELOW_STRIDE_OR_DILATION("output_padding"),
        STRIDE_TUPLE_LENGTH("stride"),
        KERNEL_TUPLE_LENGTH("kernel_size"),
        WRONG_INPUT_CHANNELS("channels"),
        WRONG_INPUT_RANK("input"),
        SHORT_WEIGHT("weight"),
        WRONG_BIAS_LENGTH("bias"),
        SHORT_INPUT("input"),
        SHORT_OUTPUT("output"),
        NEGATIVE_INPUT_OFFSET("input"),
        NEGATIVE_OUTPUT_OFFSET("output"),
        NEGATIVE_WEIGHT_OFFSET("weight"),
        NEGATIVE_BIAS_OFFSET("bias");

        final String word;

        Breakage(String word) {
            this.word = word;
        }
    }

    /** The arguments of one call through spec → problem → plan → execute; each breakage changes one. */
    private static final class Call {
        int rank, cin, cout, groups;
        int[] kernel, stride, dilation, padBegin, padEnd, outputPadding;
        boolean bias;
        int[] inputShape;
        float[] x, w, b, y;
        int xOff, wOff, bOff, yOff;

        Call(Problem p) {
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

        void run(String kernel) {
            ConvTransposeSpec spec = ConvTransposeSpec.builder(rank, cin, cout, this.kernel).stride(stride).dilation(dilation)
                    .pads(padBegin, padEnd).outputPadding(outputPadding).groups(groups).bias(bias).build();
            Problem p = spec.problem(inputShape);
            Plan plan = Planner.plan(p, w, wOff, b, bOff, KernelChoice.parse(kernel));
            plan.execute(x, xOff, y, yOff);
        }
    }

    @Property
    void everyInvalidParameterIsRejectedByNameAndTheOutputIsUntouched(
            @ForAll("problems") Problem p, @ForAll Breakage breakage, @ForAll @IntRange(min = 0, max = 2) int dimGene,
            @ForAll("kernels") String kernel) {
        Call c = new Call(p);
        // the unbroken call works (so the exception below is the breakage's)
        Call ok = new Call(p);
        ok.run(kernelOrReference(kernel, p));
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
        String k = kernelOrReference(kernel, p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.run(k), breakage + " on " + p);
        assertTrue(e.getMessage().contains(breakage.word), () -> breakage + ": message '" + e.getMessage() + "' lacks '" + breakage.word + "'");
        for (float v : c.y) {
            assertEquals(SENTINEL, v, breakage + " wrote into the output");
        }
    }

    /** The reference when the drawn kernel declines the problem (the breakage is what is tested, not the kernel). */
    private static String kernelOrReference(String kernel, Problem p) {
        return Planner.kernel(KernelChoice.parse(kernel)).declineReason(p) == null ? kernel : "reference";
    }

    @Provide
    Arbitrary<Problem> problems() {
        return Problems.problems(1, 3, 2, 4);
    }

    @Provide
    Arbitrary<String> kernels() {
        return Arbitraries.of(Planner.kernelNames());
    }
}
