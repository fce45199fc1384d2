package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.Scratchpad;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.TestData;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan and planner entry points that the kernel properties do not reach: the {@code float[]}
 * execute with a scratchpad checks its buffers and its scratchpad like the others, the byte-offset
 * segment execute without a parallelism, planning from segments on the automatic choice and the
 * segment checks of the weights and bias, a scratchpad's size, a plan's remembered task splits (a
 * call gets the split of its own parallelism), and the planner's verbose log of its choice.
 */
class PlanEntryPointsTest {
    private static final float SENTINEL = 7.5f;

    /** 2-D, Cin 6, Cout 5, kernel 3, stride 2, padding 1, with bias, on 2 images of 5 × 7: im2col takes it. */
    private static final Problem P = ConvTransposeSpec.builder2d(6, 5, 3).stride(2).padding(1).build().problem(2, new int[] {5, 7});

    private static final float[] X = TestData.smallInts(P.inputLength(), 1);
    private static final float[] W = TestData.smallInts(P.weightLength(), 2);
    private static final float[] B = TestData.smallInts(P.biasLength(), 3);

    private static Plan plan() {
        return Planner.plan(P, W, 0, B, 0, KernelChoice.IM2COL);
    }

    private static float[] sentinels(int n) {
        float[] y = new float[n];
        Arrays.fill(y, SENTINEL);
        return y;
    }

    private static void assertUntouched(float[] y, String what) {
        for (int i = 0; i < y.length; i++) {
            assertEquals(SENTINEL, y[i], what + ": output written at " + i);
        }
    }

    @Test
    void theArrayExecuteWithAScratchpadChecksItsScratchpadAndBuffersBeforeWriting() {
        Plan plan = plan();
        Plan other = plan();
        float[] y = sentinels(P.outputLength());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> plan.execute(X, 0, y, 0, Parallelism.serial(), other.newScratchpad()));
        assertTrue(e.getMessage().contains("scratchpad was made for another plan"), e.getMessage());
        assertUntouched(y, "another plan's scratchpad");

        float[] shortY = sentinels(P.outputLength() - 1);
        e = assertThrows(IllegalArgumentException.class, () -> plan.execute(X, 0, shortY, 0, Parallelism.serial(), plan.newScratchpad()));
        assertTrue(e.getMessage().contains("output"), e.getMessage());
        assertUntouched(shortY, "a short output");
        float[] y2 = sentinels(P.outputLength());
        e = assertThrows(IllegalArgumentException.class, () -> plan.execute(X, 1, y2, 0, Parallelism.serial(), plan.newScratchpad()));
        assertTrue(e.getMessage().contains("input"), e.getMessage());
        assertUntouched(y2, "an input too short from its offset");
        assertThrows(NullPointerException.class, () -> plan.execute(X, 0, y2, 0, Parallelism.serial(), null));
        assertUntouched(y2, "a null scratchpad");
    }

    /**
     * The scratchpad holds what a thread otherwise keeps: {@code scratchpadBytes() == workspaceBytes()},
     * and every fast kernel keeps some (im2col a packed X tile and a column block, sub-pixel its A and
     * C blocks, scatter its tap lists, im2col's projection of a single input position its A and
     * result blocks). 2-D, kernel 4, stride 2, padding 1: all three take it.
     */
    @Test
    void aScratchpadHoldsTheWorkspaceBytes() {
        Problem p = ConvTransposeSpec.builder2d(6, 5, 4).stride(2).padding(1).build().problem(2, new int[] {8, 8});
        List<KernelChoice> kernels = FastKernels.all();
        assertEquals(3, kernels.size(), "im2col, scatter and sub-pixel: " + kernels);
        for (KernelChoice k : kernels) {
            Plan plan = Planner.plan(p, TestData.smallInts(p.weightLength(), 2), 0, TestData.smallInts(p.biasLength(), 3), 0, k);
            assertTrue(plan.workspaceBytes() > 0, k + " keeps a workspace per thread");
            assertEquals(plan.workspaceBytes(), plan.scratchpadBytes(), k.toString());
            assertEquals(plan.workspaceBytes(), plan.newScratchpad().byteSize(), k.toString());
        }
        // a single input position: im2col's projection, which keeps an A block and a result block per thread
        Problem single = ConvTransposeSpec.builder2d(6, 5, 4).stride(2).build().problem(3, new int[] {1, 1});
        Plan projection = Planner.plan(single, TestData.smallInts(single.weightLength(), 2), 0,
                TestData.smallInts(single.biasLength(), 3), 0, KernelChoice.IM2COL);
        assertTrue(projection.workspaceBytes() > 0, "the projection keeps a workspace per thread");
        assertEquals(projection.workspaceBytes(), projection.scratchpadBytes());
    }

    @Test
    void theByteOffsetSegmentExecuteWritesTheArrayResultAtItsOffset() {
        Plan plan = plan();
        float[] expected = plan.execute(X);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocate(4L * (3 + P.inputLength()), 4);
            MemorySegment.copy(X, 0, x, ValueLayout.JAVA_FLOAT, 12, X.length);
            MemorySegment y = arena.allocate(4L * (5 + P.outputLength()), 4);
            y.fill((byte) 0);
            plan.execute(x, 12, y, 20);
            float[] got = y.asSlice(20).toArray(ValueLayout.JAVA_FLOAT);
            assertEquals(-1, FastKernels.firstBitDifference(expected, got));
            assertEquals(0f, y.getAtIndex(ValueLayout.JAVA_FLOAT, 4), "nothing written before the output's offset");
        }
    }

    /**
     * One segment a view of a {@code float[]} (computed in place), the other native memory (copied), both
     * ways round: the array execute's bits.
     */
    @Test
    void anArrayViewBesideNativeMemoryGivesTheArrayBits() {
        Plan plan = plan();
        float[] expected = plan.execute(X);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xNative = arena.allocate(4L * P.inputLength(), 4);
            MemorySegment.copy(X, 0, xNative, ValueLayout.JAVA_FLOAT, 0, X.length);
            float[] y = new float[P.outputLength()];
            plan.execute(xNative, MemorySegment.ofArray(y));
            assertEquals(-1, FastKernels.firstBitDifference(expected, y), "native input, array output");
            MemorySegment yNative = arena.allocate(4L * P.outputLength(), 4);
            plan.execute(MemorySegment.ofArray(X), yNative);
            assertEquals(-1, FastKernels.firstBitDifference(expected, yNative.toArray(ValueLayout.JAVA_FLOAT)),
                    "array input, native output");
        }
    }

    @Test
    void planningFromSegmentsOnTheAutomaticChoiceGivesTheArrayPlansBits() {
        float[] expected = Planner.plan(P, W, B).execute(X);
        Plan plan = Planner.plan(P, MemorySegment.ofArray(W.clone()), MemorySegment.ofArray(B.clone()));
        assertEquals(Planner.choose(P).name(), plan.kernelName());
        assertEquals(-1, FastKernels.firstBitDifference(expected, plan.execute(X)));
    }

    /** Weights and bias from segments are checked like arrays, with the segment rules' messages (shape and bytes). */
    @Test
    void weightAndBiasSegmentsAreCheckedBeforePlanning() {
        MemorySegment w = MemorySegment.ofArray(W), b = MemorySegment.ofArray(B);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Planner.plan(P, w.asSlice(4), b, KernelChoice.AUTO));
        assertTrue(e.getMessage().contains("weight segment too small")
                && e.getMessage().contains("shape [6, 5, 3, 3] needs 270 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Planner.plan(P, w, b.asSlice(4), KernelChoice.AUTO));
        assertTrue(e.getMessage().contains("bias segment too small") && e.getMessage().contains("shape [5] needs 5 floats"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Planner.plan(P, w, MemorySegment.ofArray(new byte[20]), KernelChoice.AUTO));
        assertTrue(e.getMessage().contains("bias segment must be aligned to 4 bytes"), e.getMessage());
        Problem noBias = ConvTransposeSpec.builder2d(6, 5, 3).stride(2).padding(1).bias(false).build().problem(2, new int[] {5, 7});
        e = assertThrows(IllegalArgumentException.class, () -> Planner.plan(noBias, w, b, KernelChoice.AUTO));
        assertTrue(e.getMessage().contains("bias given but the layer was built with bias=false"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Planner.plan(P, w, null, KernelChoice.AUTO));
        assertTrue(e.getMessage().contains("bias missing"), e.getMessage());
    }

    /** 2-D, Cin 16, Cout 16, kernel 4, stride 2, padding 1, on 2 images of 16 × 16: enough work for four tasks. */
    private static final Problem WIDE = ConvTransposeSpec.builder2d(16, 16, 4).stride(2).padding(1).build().problem(2, new int[] {16, 16});

    /** Helpers an execute hands to an executor that counts them (and runs each at once, on the caller). */
    private static int helpers(Plan plan, Executor counting, AtomicInteger count, int threads, long minTaskWork) {
        int before = count.get();
        float[] y = new float[WIDE.outputLength()];
        plan.execute(TestData.smallInts(WIDE.inputLength(), 1), 0, y, 0,
                Parallelism.executor(counting, threads).withMinTaskWork(minTaskWork));
        return count.get() - before;
    }

    /**
     * A plan remembers its task splits by thread count and least task work: each call, first or
     * repeated, in any order, hands the executor as many helpers as the same call on a plan that
     * never ran (whose split is made for that call).
     */
    @Test
    void eachCallGetsTheSplitOfItsOwnParallelism() {
        AtomicInteger count = new AtomicInteger();
        Executor counting = r -> {
            count.incrementAndGet();
            r.run();
        };
        float[] w = TestData.smallInts(WIDE.weightLength(), 2), b = TestData.smallInts(WIDE.biasLength(), 3);
        long[][] calls = {{2, 1}, {4, 1}, {4, Long.MAX_VALUE}, {16, 1}, {2, 1}, {4, 1}, {4, Long.MAX_VALUE}, {16, 1}};
        List<Integer> fresh = new ArrayList<>(), repeated = new ArrayList<>();
        Plan plan = Planner.plan(WIDE, w, 0, b, 0, KernelChoice.IM2COL);
        for (long[] c : calls) {
            fresh.add(helpers(Planner.plan(WIDE, w, 0, b, 0, KernelChoice.IM2COL), counting, count, (int) c[0], c[1]));
            repeated.add(helpers(plan, counting, count, (int) c[0], c[1]));
        }
        assertEquals(1, fresh.get(0), "two threads on work split to the multiply-add: one helper");
        assertTrue(fresh.get(1) > 1, "four threads: more helpers than two threads have, " + fresh);
        assertEquals(0, fresh.get(2), "a least task work past the whole problem: one task, no helper");
        assertEquals(fresh, repeated);
    }

    /** {@code -Ddev.convt.verbose=true} logs each automatic choice, naming the kernel and the problem; without it, nothing. */
    @Test
    void theVerboseSwitchLogsEachAutomaticChoice() {
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) { records.add(r); }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        };
        Logger logger = Logger.getLogger("dev.convt");
        String old = System.getProperty("dev.convt.verbose");
        boolean parents = logger.getUseParentHandlers();
        logger.addHandler(handler);
        logger.setUseParentHandlers(false);
        try {
            System.clearProperty("dev.convt.verbose");
            String kernel = Planner.choose(P).name();
            assertEquals(List.of(), records.stream().map(LogRecord::getMessage).toList(), "logged without the switch");
            System.setProperty("dev.convt.verbose", "true");
            assertEquals(kernel, Planner.choose(P).name());
            assertEquals(1, records.size(), () -> records.stream().map(LogRecord::getMessage).toList().toString());
            String m = records.get(0).getMessage();
            assertTrue(m.contains("convt: " + kernel + " for " + P), m);
        } finally {
            logger.removeHandler(handler);
            logger.setUseParentHandlers(parents);
            if (old == null) {
                System.clearProperty("dev.convt.verbose");
            } else {
                System.setProperty("dev.convt.verbose", old);
            }
        }
    }
}
