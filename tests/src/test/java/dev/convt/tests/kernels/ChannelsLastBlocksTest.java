package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Layout;
import dev.convt.Parallelism;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.TestData;
import dev.convt.vector.VectorConfig;
import dev.convt.vector.gemm.TransposeMicroKernels;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The channels-last moves by {@code L × L} blocks ({@code L} = {@link VectorConfig#LANES}, so the
 * 256- and 128-bit runs check their own widths): the generated register transpose against its
 * definition, and whole layers whose channels and positions reach whole blocks, with tails of
 * every size ({@code L − 1} to {@code 2L + 3}), where im2col moves its output regions
 * (OutputFrontier) and the layout stage moves the staged kernels' input and output
 * ({@code RegisterBlockTranspose}), at one and two threads (tasks of fewer rows than a block fall
 * back to the scalar tiles). Bitwise against the channels-first output transposed, with guards.
 */
public class ChannelsLastBlocksTest {
    private static final int L = VectorConfig.LANES;
    private static final int GUARD = 7;
    private static final float SENTINEL = -7.5f;

    /** {@code dst[d + i·ds + j] = src[s + j·ss + i]} for {@code i, j < L} and nothing else written. */
    @Property
    void registerTransposeIsItsDefinition(@ForAll @IntRange(min = 0, max = 40) int s, @ForAll @IntRange(min = 0, max = 40) int ssExtra,
                                          @ForAll @IntRange(min = 0, max = 40) int d, @ForAll @IntRange(min = 0, max = 40) int dsExtra) {
        int ss = L + ssExtra, ds = L + dsExtra;
        float[] src = new float[s + L * ss + 3];
        for (int i = 0; i < src.length; i++) {
            src[i] = i + 1;
        }
        float[] dst = new float[d + L * ds + 3];
        Arrays.fill(dst, SENTINEL);
        TransposeMicroKernels.transpose(src, s, ss, dst, d, ds);
        float[] expected = new float[dst.length];
        Arrays.fill(expected, SENTINEL);
        for (int i = 0; i < L; i++) {
            for (int j = 0; j < L; j++) {
                expected[d + i * ds + j] = src[s + j * ss + i];
            }
        }
        assertEquals(-1, Arrays.mismatch(expected, dst), "at " + Arrays.mismatch(expected, dst));
    }

    /** Channel and position counts around whole blocks: below, at, one past, and past two of them. */
    private static final int[] AROUND_BLOCKS = {L - 1, L, L + 1, 2 * L - 1, 2 * L + 3};

    @Provide
    Arbitrary<Problem> blockProblems() {
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> batch = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> ci = Arbitraries.of(Arrays.stream(AROUND_BLOCKS).boxed().toList());
        Arbitrary<Integer> co = Arbitraries.of(Arrays.stream(AROUND_BLOCKS).boxed().toList());
        Arbitrary<Integer> width = Arbitraries.of(Arrays.stream(AROUND_BLOCKS).boxed().toList());
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(5);
        return Combinators.combine(rank, batch, ci, co, width, genes).as((r, n, cin, cout, w, g) -> {
            int k = 1 + g.get(0) % 4, s = 1 + g.get(1) % 3, pad = g.get(2) % k;
            boolean depthwise = g.get(3) % 4 == 0;
            int groups = depthwise ? cin : 1;
            int[] ks = new int[r], ss = new int[r], ps = new int[r], in = new int[r];
            Arrays.fill(ks, k);
            Arrays.fill(ss, s);
            Arrays.fill(in, 1 + g.get(4) % 3);
            in[r - 1] = w;
            for (int i = 0; i < r; i++) {
                // at most half the uncropped output on each side: every output size stays at least 1
                ps[i] = Math.min(pad, ((in[i] - 1) * s + k - 1) / 2);
            }
            ConvTransposeSpec spec = ConvTransposeSpec.builder(r, cin, depthwise ? cin * (1 + cout % 2) : cout, ks)
                    .stride(ss).padding(ps).groups(groups).bias(g.get(4) % 2 == 0).build();
            return spec.problem(n, in);
        });
    }

    @Property(tries = 60)
    void blockedMovesAgreeWithTheChannelsFirstOutputTransposed(@ForAll("blockProblems") Problem p,
                                                              @ForAll @IntRange(min = 1, max = 2) int threads,
                                                              @ForAll @LongRange(min = 0, max = 1000) long seed) {
        float[] x = TestData.smallInts(p.inputLength(), seed), w = TestData.smallInts(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.biasLength(), seed + 2) : null;
        Problem last = p.withLayout(Layout.CHANNELS_LAST);
        float[] xLast = LayoutAgreementTest.channelsLast(x, p.batch(), p.spec().inChannels(), p.inputPlane());
        int ran = 0;
        for (KernelChoice k : FastKernels.all()) {
            if (Planner.kernel(k).declineReason(p) != null) {
                continue;
            }
            Parallelism par = Parallelism.threads(threads).withMinTaskWork(1);
            float[] first = new float[p.outputLength()];
            Planner.plan(p, w, 0, b, 0, k).execute(x, 0, first, 0, par);
            float[] expected = LayoutAgreementTest.channelsLast(first, p.batch(), p.spec().outChannels(), p.outputPlane());
            float[] got = new float[GUARD + p.outputLength() + GUARD];
            Arrays.fill(got, SENTINEL);
            Planner.plan(last, w, 0, b, 0, k).execute(xLast, 0, got, GUARD, par);
            for (int i = 0; i < GUARD; i++) {
                assertEquals(SENTINEL, got[i], k + " wrote before its output");
                assertEquals(SENTINEL, got[GUARD + p.outputLength() + i], k + " wrote after its output");
            }
            float[] inner = Arrays.copyOfRange(got, GUARD, GUARD + p.outputLength());
            int at = FastKernels.firstBitDifference(expected, inner);
            if (at >= 0) {
                fail(k.kernelName() + " at " + threads + " threads: channels-last output differs from the channels-first one "
                        + "transposed at " + at + ": " + inner[at] + " vs " + expected[at] + " (" + last + ")");
            }
            ran++;
        }
        assertTrue(ran >= 1 || FastKernels.all().isEmpty(), "no kernel took " + p);
    }
}
