package dev.convt.tests.kernels;

import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.Agreement;
import dev.convt.testkit.Engine;
import dev.convt.testkit.ErrorBound;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every non-reference kernel of {@link Planner#kernelNames()} against {@link dev.convt.kernel.ReferenceKernel}:
 * through the testkit's {@link Agreement}: bitwise on small integers, within {@link ErrorBound} on random reals, and writing nothing outside
 * its output region, for generated problems of rank 1 to 3 and single-position inputs (one GEMM).
 */
class KernelAgreementTest {

    @Provide
    Arbitrary<Problem> problems() {
        return Problems.problems(1, 2, 3, 6);
    }

    @Provide
    Arbitrary<Problem> tails() {
        return Problems.tails();
    }

    @Example
    void theVectorKernelsAreRegistered() {
        assertNull(Planner.vectorUnavailableReason(), "this suite runs with the vector path on");
        assertFalse(FastKernels.all().isEmpty(), "no fast kernel to test: " + Planner.kernelNames());
    }

    @Property
    void smallIntegersEqualTheReferenceBitwise(@ForAll("problems") Problem p, @ForAll @LongRange(min = 0, max = 1000) long seed) {
        checkBitwise(p, seed);
    }

    @Property
    void smallIntegersEqualTheReferenceBitwiseAtTails(@ForAll("tails") Problem p, @ForAll @LongRange(min = 0, max = 1000) long seed) {
        checkBitwise(p, seed);
    }

    @Property(tries = 500)
    void rank3AndSinglePositionSmallIntegersEqualTheReferenceBitwise(@ForAll("rank3OrSinglePosition") Problem p,
                                                                     @ForAll @LongRange(min = 0, max = 1000) long seed) {
        checkBitwise(p, seed);
    }

    @Property(tries = 500)
    void rank3AndSinglePositionRandomDataIsWithinTheErrorBound(@ForAll("rank3OrSinglePosition") Problem p,
                                                               @ForAll @LongRange(min = 0, max = 1000) long seed) {
        checkErrorBound(p, seed);
    }

    /** Ranks 1 to 3 at the corners: strides past the kernel span (gaps), padding up to the whole output, groups. */
    @Property(tries = 300)
    void cornersSmallIntegersEqualTheReferenceBitwise(@ForAll("corners") Problem p, @ForAll @LongRange(min = 0, max = 1000) long seed) {
        checkBitwise(p, seed);
    }

    @Provide
    Arbitrary<Problem> corners() {
        return Problems.corners();
    }

    @Property
    void randomDataIsWithinTheErrorBound(@ForAll("tails") Problem p, @ForAll @LongRange(min = 0, max = 1000) long seed) {
        checkErrorBound(p, seed);
    }

    private static void checkErrorBound(Problem p, long seed) {
        for (KernelChoice k : FastKernels.all()) {
            if (FastKernels.accepts(k, p)) {
                Agreement.assertWithinErrorBound(Engine.of(k), p, seed);
            }
        }
    }

    @Property
    void writesOnlyItsOutputAndReadsThroughOffsets(@ForAll("tails") Problem p, @ForAll @LongRange(min = 1, max = 40) long gap) {
        checkOffsetsAndBounds(p, gap);
    }

    @Property(tries = 200)
    void rank3AndSinglePositionWriteOnlyTheirOutputAndReadThroughOffsets(@ForAll("rank3OrSinglePosition") Problem p,
                                                                          @ForAll @LongRange(min = 1, max = 40) long gap) {
        checkOffsetsAndBounds(p, gap);
    }

    @Provide
    Arbitrary<Problem> rank3OrSinglePosition() {
        return net.jqwik.api.Arbitraries.oneOf(Problems.rank3(), Problems.singlePosition());
    }

    private static void checkOffsetsAndBounds(Problem p, long gap) {
        int off = (int) gap;
        float[] x = TestData.smallInts(p.inputLength(), gap);
        float[] w = TestData.smallInts(p.weightLength(), gap + 1);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.biasLength(), gap + 2) : null;
        float[] expected = FastKernels.reference(p, x, w, b);
        float sentinel = 12345f;
        // input inside a larger array, surrounded by values that would show if read
        float[] xBig = new float[off + x.length + off];
        Arrays.fill(xBig, Float.NaN);
        System.arraycopy(x, 0, xBig, off, x.length);
        float[] xCopy = xBig.clone();
        // weights and bias at offsets too
        float[] wBig = new float[off + w.length];
        System.arraycopy(w, 0, wBig, off, w.length);
        float[] bBig = null;
        if (b != null) {
            bBig = new float[off + b.length];
            System.arraycopy(b, 0, bBig, off, b.length);
        }
        for (KernelChoice k : FastKernels.all()) {
            if (!FastKernels.accepts(k, p)) {
                continue;
            }
            Plan plan = Planner.plan(p, wBig, off, bBig, b == null ? 0 : off, k);
            float[] yBig = new float[off + p.outputLength() + off];
            Arrays.fill(yBig, sentinel);
            plan.execute(xBig, off, yBig, off);
            for (int i = 0; i < yBig.length; i++) {
                boolean inside = i >= off && i < off + p.outputLength();
                if (!inside && Float.floatToRawIntBits(yBig[i]) != Float.floatToRawIntBits(sentinel)) {
                    fail(k.kernelName() + " wrote y[" + i + "] = " + yBig[i] + " outside its output [" + off + ", "
                            + (off + p.outputLength()) + ") for " + p);
                }
            }
            int diff = FastKernels.firstBitDifference(expected, Arrays.copyOfRange(yBig, off, off + p.outputLength()));
            assertEquals(-1, diff, () -> k.kernelName() + " differs from the reference at " + diff + " for " + p);
            assertEquals(-1, FastKernels.firstBitDifference(xCopy, xBig), () -> k.kernelName() + " modified its input");
        }
    }

    /** Sizes past the cache blocks (K over one KC block of 256, M over one MC block, columns over one N tile), and single-cover layers. */
    @Example
    void blockBoundariesEqualTheReferenceBitwise() {
        Problem[] cases = {
                // K = 300 > KC: two K blocks accumulate into one column block
                dev.convt.ConvTransposeSpec.builder1d(300, 9, 4).stride(2).padding(1).build().problem(2, new int[] {37}),
                // M = 17·9 = 153 > MC: three M blocks; 2-D with asymmetric pads
                dev.convt.ConvTransposeSpec.builder2d(8, 17, 3, 3).stride(2, 1).pads(new int[] {1, 0}, new int[] {0, 2})
                        .outputPadding(1, 0).build().problem(1, new int[] {5, 23}),
                // J = 3·700 columns > one N tile (1024), images split across tiles
                dev.convt.ConvTransposeSpec.builder1d(8, 3, 3).stride(3).dilation(2).outputPadding(1).bias(false)
                        .build().problem(3, new int[] {700}),
                // stride = kernel, no padding: every output gets exactly one column value (U-Net shape)
                dev.convt.ConvTransposeSpec.builder2d(9, 7, 2, 3).stride(2, 3).build().problem(2, new int[] {5, 11}),
                dev.convt.ConvTransposeSpec.builder1d(4, 6, 2).stride(2).groups(2).bias(false).build().problem(3, new int[] {19}),
                dev.convt.ConvTransposeSpec.builder2d(5, 6, 2, 2).stride(2).build().problem(2, new int[] {3, 20}),
        };
        for (Problem p : cases) {
            checkBitwise(p, 7);
        }
    }

    /** Strides of 8 (col2im's gathered path), of the vector length and half of it (scatter's tap vectors) and beyond (the generators stay at stride ≤ 3). */
    @Example
    void stridesOfAVectorLengthEqualTheReferenceBitwise() {
        int lanes = dev.convt.vector.gemm.Blocking.LANES;
        for (int l : new int[] {8, lanes, lanes / 2}) {
            if (l >= 3) { // the cases' output_padding of 2 needs a stride of 3 or more; stride 2 is the generators'
                stridesOf(l);
            }
        }
    }

    private static void stridesOf(int l) {
        Problem[] cases = {
                dev.convt.ConvTransposeSpec.builder1d(5, 3, 2 * l).stride(l).padding(l / 2).build().problem(2, new int[] {37}),
                dev.convt.ConvTransposeSpec.builder2d(3, 2, 3, 2 * l + 3).stride(2, l).pads(new int[] {1, 0}, new int[] {0, 3})
                        .outputPadding(1, 2).build().problem(1, new int[] {4, 13}),
                dev.convt.ConvTransposeSpec.builder1d(4, 5, l).stride(l).build().problem(2, new int[] {11}),
                dev.convt.ConvTransposeSpec.builder2d(4, 4, 1, 2 * l).stride(1, l).groups(2).bias(false).padding(0, 3)
                        .build().problem(2, new int[] {2, 9}),
                dev.convt.ConvTransposeSpec.builder1d(3, 2, 2 * l + 1).stride(l + 1).padding(2).build().problem(1, new int[] {6}),
        };
        for (Problem p : cases) {
            checkBitwise(p, 11);
        }
    }

    /**
     * Stride 3 (col2im's interleaved triples: FSRCNN's 9-tap kernel, single-cover 3×3, taps past a
     * multiple of 3, a tap group split by an M block) and column counts that end in a half-full B
     * panel (the wide GEMM tail: 48 = pose_deconv1's columns, 40, 16·3 + 1).
     */
    @Example
    void strideThreeAndHalfPanelTailsEqualTheReferenceBitwise() {
        Problem[] cases = {
                dev.convt.ConvTransposeSpec.builder2d(6, 2, 9, 9).stride(3).padding(4).outputPadding(2).build()
                        .problem(1, new int[] {7, 41}),
                dev.convt.ConvTransposeSpec.builder2d(5, 3, 3, 3).stride(3).build().problem(2, new int[] {3, 37}),
                dev.convt.ConvTransposeSpec.builder1d(4, 3, 5).stride(3).padding(1).bias(false).build().problem(2, new int[] {53}),
                // M = 11·9 = 99: the last tap group of the first M block (96 rows with a 6-row tile) straddles the boundary
                dev.convt.ConvTransposeSpec.builder1d(7, 11, 9).stride(3).padding(2).build().problem(1, new int[] {50}),
                // M = 15·9 = 135: the same with the 8-row tile's M block (128 rows)
                dev.convt.ConvTransposeSpec.builder1d(7, 15, 9).stride(3).padding(2).build().problem(1, new int[] {50}),
                dev.convt.ConvTransposeSpec.builder2d(40, 8, 4, 4).stride(2).padding(1).build().problem(1, new int[] {8, 6}),
                dev.convt.ConvTransposeSpec.builder1d(9, 5, 3).stride(2).build().problem(1, new int[] {40}),
                dev.convt.ConvTransposeSpec.builder1d(9, 5, 3).stride(2).build().problem(1, new int[] {49}),
        };
        for (Problem p : cases) {
            checkBitwise(p, 13);
        }
    }

    @Provide
    Arbitrary<Problem> everyRank() {
        return Problems.problems(1, 3, 2, 4);
    }

    /** Every rank is supported by im2col: it never declines a test-sized problem of rank 1, 2 or 3. */
    @Property
    void im2colAcceptsEveryProblemOfEveryRank(@ForAll("everyRank") Problem p) {
        if (Planner.kernelNames().contains(KernelChoice.IM2COL.kernelName())) {
            assertNull(Planner.kernel(KernelChoice.IM2COL).declineReason(p));
        }
    }

    private static void checkBitwise(Problem p, long seed) {
        for (KernelChoice k : FastKernels.all()) {
            if (FastKernels.accepts(k, p)) {
                Agreement.assertBitwiseOnSmallIntegers(Engine.of(k), p, seed);
            }
        }
    }
}
