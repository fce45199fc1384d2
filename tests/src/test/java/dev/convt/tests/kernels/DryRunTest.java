package dev.convt.tests.kernels;

import dev.convt.Layout;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.DryRun;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dry runs of warm-up ({@link DryRun}): a dry execute of any kernel's plan, on arrays or native
 * segments, in either layout, completes without an exception and leaves its input alone; while one
 * thread is in a dry run, plans executing on other threads give bitwise their usual output, and the
 * dry thread's own executes are real again once it has ended its dry run.
 */
class DryRunTest {

    @Provide
    Arbitrary<Problem> problems() {
        return Arbitraries.oneOf(Problems.problems(1, 3, 2, 6), Problems.tails(), Problems.corners(), Problems.singlePosition())
                .flatMap(p -> Arbitraries.of(Layout.values()).map(p::withLayout));
    }

    /**
     * Every fast kernel: while another thread holds a dry run (begun, and inside a dry execute of its
     * own plan of the same problem just before), this thread's plan gives bitwise the output it gave
     * before; the dry thread's executes threw nothing and did not write their input.
     */
    @Property(tries = 60)
    void aDryRunOnOneThreadLeavesOtherThreadsExact(@ForAll("problems") Problem p,
                                                   @ForAll @LongRange(min = 0, max = 1000) long seed) throws Exception {
        float[] x = TestData.smallInts(p.inputLength(), seed);
        float[] w = TestData.smallInts(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.biasLength(), seed + 2) : null;
        for (KernelChoice k : FastKernels.all()) {
            if (!FastKernels.accepts(k, p)) {
                continue;
            }
            Plan mine = Planner.plan(p, w, 0, b, 0, k);
            Plan theirs = Planner.plan(p, w, 0, b, 0, k);
            float[] expected = new float[p.outputLength()];
            mine.execute(x, 0, expected, 0);

            CountDownLatch inside = new CountDownLatch(1), done = new CountDownLatch(1);
            float[] theirX = x.clone();
            CompletableFuture<Void> dry = CompletableFuture.runAsync(() -> {
                DryRun.begin();
                try {
                    theirs.execute(theirX, 0, new float[p.outputLength()], 0);
                    executeOnSegments(theirs, p, theirX);
                    inside.countDown();
                    await(done);
                } finally {
                    DryRun.end();
                }
            });
            try {
                assertTrue(inside.await(60, TimeUnit.SECONDS), k + ": the dry execute did not finish");
                assertFalse(DryRun.active(), "this thread is not the dry one");
                float[] got = new float[p.outputLength()];
                mine.execute(x, 0, got, 0);
                int at = FastKernels.firstBitDifference(expected, got);
                assertEquals(-1, at, () -> k + ": output changed at " + at + " while another thread ran dry, for " + p);
            } finally {
                done.countDown();
            }
            dry.get(60, TimeUnit.SECONDS); // rethrows what the dry executes threw
            assertArrayEquals(x, theirX, k + ": a dry execute wrote its input");
        }
    }

    /** A thread's executes are real again after {@link DryRun#end()}: the same plan, dry then real, gives the usual output. */
    @Example
    void aThreadThatEndedItsDryRunComputesAgain() {
        for (KernelChoice k : FastKernels.all()) {
            Problem p = dev.convt.ConvTransposeSpec.builder2d(9, 5, 4).stride(2).padding(1).build().problem(1, new int[] {7, 19});
            if (!FastKernels.accepts(k, p)) {
                continue;
            }
            float[] x = TestData.smallInts(p.inputLength(), 3), w = TestData.smallInts(p.weightLength(), 4), b = TestData.smallInts(5, 5);
            Plan plan = Planner.plan(p, w, 0, b, 0, k);
            float[] expected = FastKernels.reference(p, x, w, b);
            float[] y = new float[p.outputLength()];
            DryRun.begin();
            try {
                assertTrue(DryRun.active());
                plan.execute(x, 0, y, 0);
            } finally {
                DryRun.end();
            }
            assertFalse(DryRun.active());
            plan.execute(x, 0, y, 0);
            int at = FastKernels.firstBitDifference(expected, y);
            assertEquals(-1, at, () -> k + ": after a dry run, differs from the reference at " + at);
        }
    }

    /** The plan's execute on native segments holding {@code x}, its output dropped. */
    private static void executeOnSegments(Plan plan, Problem p, float[] x) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = arena.allocate(4L * Math.max(1, x.length), 64);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT, 0, x.length);
            MemorySegment ys = arena.allocate(4L * Math.max(1, p.outputLength()), 64);
            plan.execute(xs, 0, ys, 0);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
