package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every fast kernel, executed on T = 2 … 8 threads, writes bit for bit what it writes on one thread,
 * on random real data (where any change of summation order shows), and nothing outside its output.
 * The least work per task is lowered to 1 multiply-add so even these small problems are split as far
 * as the kernels split anything; problems with few output channels and long rows or many rows reach
 * the band splits.
 */
class ParallelDeterminismTest {

    @Provide
    Arbitrary<Problem> problems() {
        return Arbitraries.oneOf(Problems.problems(1, 2, 4, 12), Problems.tails(), fewChannels(), Problems.rank3(),
                Problems.singlePosition());
    }

    /** Cout/groups of 1 to 3 and one or two images, long enough for bands along rows or columns. */
    static Arbitrary<Problem> fewChannels() {
        Arbitrary<Integer> rank = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> batch = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> cin = Arbitraries.integers().between(1, 9);
        Arbitrary<Integer> cout = Arbitraries.integers().between(1, 3);
        Arbitrary<List<Integer>> genes = Arbitraries.integers().between(0, 1 << 20).list().ofSize(12);
        Arbitrary<Boolean> bias = Arbitraries.of(true, false);
        return Combinators.combine(rank, batch, cin, cout, genes, bias).as((r, n, ci, co, g, b) -> {
            int[] k = new int[r], s = new int[r], d = new int[r], in = new int[r], pad = new int[r], op = new int[r];
            for (int i = 0; i < r; i++) {
                int base = 6 * i;
                k[i] = 1 + g.get(base) % 9;
                s[i] = 1 + g.get(base + 1) % 4;
                d[i] = 1 + g.get(base + 2) % 2;
                in[i] = r == 1 ? 20 + g.get(base + 3) % 200 : 4 + g.get(base + 3) % 30;
                op[i] = g.get(base + 4) % Math.max(s[i], d[i]);
                // symmetric padding: 2·pad ≤ the full output − 1 keeps at least one output
                int maxPad = ((in[i] - 1) * s[i] + d[i] * (k[i] - 1) + op[i]) / 2;
                pad[i] = g.get(base + 5) % (Math.min(4, maxPad) + 1);
            }
            return ConvTransposeSpec.builder(r, ci, co, k).stride(s).dilation(d).padding(pad).outputPadding(op)
                    .bias(b).build().problem(n, in);
        });
    }

    @Property
    void everyThreadCountGivesTheOneThreadBits(@ForAll("problems") Problem p, @ForAll @IntRange(min = 2, max = 8) int threads,
                                               @ForAll @LongRange(min = 0, max = 1000) long seed) {
        float[] x = TestData.uniform(p.inputLength(), seed);
        float[] w = TestData.uniform(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.uniform(p.biasLength(), seed + 2) : null;
        for (KernelChoice k : FastKernels.all()) {
            if (!FastKernels.accepts(k, p)) {
                continue;
            }
            Plan plan = Planner.plan(p, w, 0, b, 0, k);
            float[] one = new float[p.outputLength()];
            plan.execute(x, 0, one, 0);
            int gap = 17;
            float sentinel = -7.5f;
            float[] many = new float[gap + p.outputLength() + gap];
            java.util.Arrays.fill(many, sentinel);
            plan.execute(x, 0, many, gap, Parallelism.threads(threads).withMinTaskWork(1));
            for (int i = 0; i < gap; i++) {
                assertEquals(sentinel, many[i], k.kernelName() + " wrote before its output");
                assertEquals(sentinel, many[gap + p.outputLength() + i], k.kernelName() + " wrote after its output");
            }
            float[] inner = java.util.Arrays.copyOfRange(many, gap, gap + p.outputLength());
            int at = FastKernels.firstBitDifference(one, inner);
            if (at >= 0) {
                fail(k.kernelName() + " on " + threads + " threads differs from 1 thread at " + at + ": "
                        + inner[at] + " vs " + one[at] + " (" + p + ")");
            }
        }
    }

    /** An executor that counts the helpers it was given, and runs them on its own threads. */
    private static final class CountingExecutor implements Executor {
        final ExecutorService threads = Executors.newFixedThreadPool(3);
        final AtomicInteger helpers = new AtomicInteger();

        @Override
        public void execute(Runnable r) {
            helpers.incrementAndGet();
            threads.execute(r);
        }
    }

    /** One problem per way of splitting: groups, channel blocks, images, row bands, column bands, depth bands; scatter rows; a single-position GEMM. */
    static List<Problem> splitShapes() {
        return List.of(
                ConvTransposeSpec.builder2d(16, 12, 4).stride(2).padding(1).groups(4).build().problem(1, new int[] {9, 9}),
                ConvTransposeSpec.builder2d(24, 30, 4).stride(2).padding(1).bias(false).build().problem(1, new int[] {7, 6}),
                ConvTransposeSpec.builder2d(16, 3, 4).stride(2).padding(1).build().problem(5, new int[] {12, 12}),
                ConvTransposeSpec.builder2d(9, 1, 9).stride(3).padding(4).outputPadding(2).build().problem(1, new int[] {40, 33}),
                ConvTransposeSpec.builder1d(40, 1, 16).stride(8).bias(false).build().problem(1, new int[] {300}),
                ConvTransposeSpec.builder1d(8, 8, 3).dilation(2).padding(2).groups(4).build().problem(2, new int[] {500}),
                ConvTransposeSpec.builder(3, 6, 1, new int[] {3, 3, 3}).stride(2, 1, 2).padding(1, 1, 0).outputPadding(1, 0, 0)
                        .build().problem(1, new int[] {12, 5, 7}),
                ConvTransposeSpec.builder2d(20, 40, 4, 4).bias(false).build().problem(7, new int[] {1, 1}));
    }

    @Example
    void eachWayOfSplittingSplitsAndKeepsTheBits() throws Exception {
        CountingExecutor ex = new CountingExecutor();
        try {
            for (Problem p : splitShapes()) {
                float[] x = TestData.uniform(p.inputLength(), 5);
                float[] w = TestData.uniform(p.weightLength(), 6);
                float[] b = p.spec().hasBias() ? TestData.uniform(p.biasLength(), 7) : null;
                for (KernelChoice k : FastKernels.all()) {
                    if (!FastKernels.accepts(k, p)) {
                        continue;
                    }
                    Plan plan = Planner.plan(p, w, 0, b, 0, k);
                    float[] one = plan.execute(x);
                    int before = ex.helpers.get();
                    float[] two = new float[one.length];
                    plan.execute(x, 0, two, 0, Parallelism.executor(ex, 2).withMinTaskWork(1));
                    // the scatter kernel splits rows of channel blocks, not a single row
                    boolean oneRow = p.batch() * p.spec().outChannels() * p.outputPlane() / p.outputShape()[p.outputShape().length - 1] == 1;
                    if (!(k == KernelChoice.SCATTER && oneRow)) {
                        assertTrue(ex.helpers.get() > before, k.kernelName() + " did not split " + p);
                    }
                    assertEquals(-1, FastKernels.firstBitDifference(one, two), k.kernelName() + " " + p);
                }
            }
        } finally {
            ex.threads.shutdownNow();
        }
    }

    /** Rank 3 split into depth bands on 2 to 8 threads: the halo of input slices, cropped depth taps at both ends. */
    @Example
    void depthBandsOfARank3ProblemKeepTheBits() {
        Problem p = ConvTransposeSpec.builder(3, 5, 2, new int[] {3, 2, 3}).stride(2, 2, 1).padding(1, 0, 1).dilation(1, 1, 2)
                .build().problem(1, new int[] {16, 3, 6});
        for (int threads = 2; threads <= 8; threads++) {
            everyThreadCountGivesTheOneThreadBits(p, threads, threads);
        }
    }

    /** Found by the property: one output row fed by two input rows is not a rank-1 band along the width. */
    @Example
    void oneOutputRowFromSeveralInputRows() {
        Problem p = ConvTransposeSpec.builder(2, 1, 1, new int[] {1, 1}).pads(new int[] {1, 0}, new int[] {0, 0})
                .build().problem(1, new int[] {2, 35});
        everyThreadCountGivesTheOneThreadBits(p, 2, 7);
    }

    @Example
    void aTinyProblemStaysOnTheCallerByDefault() {
        Problem p = ConvTransposeSpec.builder2d(4, 4, 3).build().problem(1, new int[] {5, 5});
        CountingExecutor ex = new CountingExecutor();
        try {
            for (KernelChoice k : FastKernels.all()) {
                Plan plan = Planner.plan(p, TestData.uniform(p.weightLength(), 1), 0, TestData.uniform(4, 2), 0, k)
                        .withParallelism(Parallelism.executor(ex, 8));
                plan.execute(TestData.uniform(p.inputLength(), 3));
            }
            assertEquals(0, ex.helpers.get(), "a problem below the least work per task was split");
        } finally {
            ex.threads.shutdownNow();
        }
    }

    @Example
    void severalCallersExecuteOnePlanAtOnceEachInParallel() throws Exception {
        Problem p = ConvTransposeSpec.builder2d(32, 16, 4).stride(2).padding(1).build().problem(2, new int[] {20, 20});
        float[] w = TestData.uniform(p.weightLength(), 1);
        float[] b = TestData.uniform(p.biasLength(), 2);
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            for (KernelChoice k : FastKernels.all()) {
                Plan plan = Planner.plan(p, w, 0, b, 0, k).withParallelism(Parallelism.threads(2).withMinTaskWork(1));
                List<Future<Boolean>> results = new java.util.ArrayList<>();
                for (int c = 0; c < 12; c++) {
                    long seed = c;
                    results.add(callers.submit(() -> {
                        float[] x = TestData.uniform(p.inputLength(), seed);
                        float[] one = new float[p.outputLength()];
                        plan.execute(x, 0, one, 0, Parallelism.serial());
                        for (int r = 0; r < 5; r++) {
                            float[] y = new float[p.outputLength()];
                            plan.execute(x, 0, y, 0);
                            if (FastKernels.firstBitDifference(one, y) >= 0) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> f : results) {
                    assertTrue(f.get(), k.kernelName() + ": a concurrent parallel execute differed from the serial one");
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
