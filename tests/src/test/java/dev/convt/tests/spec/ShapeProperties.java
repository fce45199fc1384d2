package dev.convt.tests.spec;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The output shape against a computation that does not use the formula: laying out the products. */
class ShapeProperties {

    /**
     * The output length by simulation: the positions {@code i·s + t·d} the products reach, the
     * {@code output_padding} positions added after the last, then {@code pb} cropped from the front and
     * {@code pe} from the back.
     */
    static long simulatedLength(int in, int k, int s, int pb, int pe, int d, int op) {
        TreeSet<Long> reached = new TreeSet<>();
        for (long i = 0; i < in; i++) {
            for (long t = 0; t < k; t++) {
                reached.add(i * s + t * d);
            }
        }
        long full = reached.last() + 1 + op;
        return full - pb - pe;
    }

    /** Cheap (no kernel runs), so it fixes 200 tries: enough for the coverage checks to be stable whatever the default. */
    @Property(tries = 200)
    void outputShapeMatchesTheSimulation(@ForAll("problems") Problem p) {
        ConvTransposeSpec s = p.spec();
        int[] in = p.inputSpatial();
        int[] expected = new int[s.rank() + 2];
        expected[0] = p.batch();
        expected[1] = s.outChannels();
        for (int i = 0; i < s.rank(); i++) {
            expected[i + 2] = (int) simulatedLength(in[i], s.kernelSize(i), s.stride(i), s.padBegin(i), s.padEnd(i),
                    s.dilation(i), s.outputPadding(i));
        }
        assertArrayEquals(expected, p.outputShape());
        assertEquals((long) p.batch() * s.outChannels() * product(p.outputSpatial()), p.outputLength());

        // the generator must reach the edges the issue names (checked over all tries)
        boolean kernelGtInput = false;
        for (int i = 0; i < s.rank(); i++) {
            kernelGtInput |= s.kernelSize(i) > in[i];
        }
        Statistics.label("rank").collect(s.rank());
        Statistics.label("rank").coverage(c -> {
            for (int r = 1; r <= 3; r++) {
                c.check(r).percentage(pc -> pc >= 10);
            }
        });
        coverage("kernel larger than the input", kernelGtInput, 5);
        coverage("grouped", s.groups() > 1, 20);
        coverage("depthwise (Cin/groups = 1, groups > 1)", s.groups() > 1 && s.inChannelsPerGroup() == 1, 5);
        coverage("asymmetric pads", !java.util.Arrays.equals(s.padBegin(), s.padEnd()), 10);
        coverage("output_padding > 0", java.util.Arrays.stream(s.outputPadding()).anyMatch(v -> v > 0), 10);
        coverage("no bias", !s.hasBias(), 20);
    }

    private static void coverage(String label, boolean value, double minPercent) {
        Statistics.label(label).collect(value);
        Statistics.label(label).coverage(c -> c.check(true).percentage(pc -> pc >= minPercent));
    }

    @Property
    void unbatchedShapesDropTheBatch(@ForAll("problems") Problem p) {
        int[] shape = p.inputShape();
        Problem u = p.spec().problem(java.util.Arrays.copyOfRange(shape, 1, shape.length));
        assertFalse(u.isBatched());
        assertArrayEquals(java.util.Arrays.copyOfRange(p.outputShape(), 1, p.outputShape().length), u.outputShape());
    }

    /**
     * Output sizes of exactly 1 with kernels larger than the input: the pads crop all but one position.
     * The reference must still write every element (a NaN prefill must disappear).
     */
    @Property
    void outputOfSizeOneWithKernelsLargerThanTheInput(@ForAll @IntRange(min = 1, max = 3) int rank,
                                                      @ForAll @IntRange(min = 1, max = 3) int in,
                                                      @ForAll @IntRange(min = 0, max = 4) int extraKernel,
                                                      @ForAll @IntRange(min = 1, max = 3) int stride,
                                                      @ForAll @IntRange(min = 1, max = 2) int dilation,
                                                      @ForAll @IntRange(min = 0, max = 100) int split) {
        int k = in + 1 + extraKernel;
        long full = simulatedLength(in, k, stride, 0, 0, dilation, 0);
        int pads = (int) full - 1;
        int pb = split % (pads + 1);
        int[] ins = new int[rank];
        java.util.Arrays.fill(ins, in);
        int[] begin = new int[rank], end = new int[rank];
        java.util.Arrays.fill(begin, pb);
        java.util.Arrays.fill(end, pads - pb);
        Problem p = ConvTransposeSpec.builder(rank, 2, 3, k).stride(stride).dilation(dilation).pads(begin, end).build()
                .problem(1, ins);
        int[] ones = new int[rank];
        java.util.Arrays.fill(ones, 1);
        assertArrayEquals(ones, p.outputSpatial());
        float[] y = new float[p.outputLength()];
        java.util.Arrays.fill(y, Float.NaN);
        ReferenceKernel.compute(p, TestData.smallInts(p.inputLength(), 1), 0, TestData.smallInts(p.weightLength(), 2), 0,
                TestData.smallInts(3, 3), 0, y, 0);
        for (float v : y) {
            assertFalse(Float.isNaN(v));
        }
    }

    @Provide
    Arbitrary<Problem> problems() {
        return Problems.problems(3);
    }

    static long product(int[] a) {
        long r = 1;
        for (int v : a) {
            r *= v;
        }
        return r;
    }
}
