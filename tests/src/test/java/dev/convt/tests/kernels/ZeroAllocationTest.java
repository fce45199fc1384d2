package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.tests.support.TestData;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code execute} of every fast kernel allocates nothing on the heap in steady state, measured with
 * the thread's allocation counter (deterministic, not timing).
 *
 * <p>Vector API values are objects until C2 compiles the code that uses them: in the interpreter and
 * in C1 every {@code FloatVector} is allocated. So the test first runs the plan until a call
 * allocates nothing (bounded number of calls; the JIT must get there), then requires that the next
 * calls allocate nothing at all.
 */
class ZeroAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    @Test
    void executeAllocatesNothingOnceWarm() {
        assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count per-thread allocation");
        ConvTransposeSpec[] specs = {
                ConvTransposeSpec.builder2d(19, 10, 3, 3).stride(2).padding(1).outputPadding(1).build(),
                ConvTransposeSpec.builder1d(12, 8, 4).stride(2).padding(1).groups(2).bias(false).build(),
        };
        assertFalse(FastKernels.all().isEmpty());
        for (KernelChoice k : FastKernels.all()) {
            for (ConvTransposeSpec spec : specs) {
                Problem p = spec.rank() == 2 ? spec.problem(2, new int[] {7, 9}) : spec.problem(2, new int[] {33});
                if (!FastKernels.accepts(k, p)) {
                    continue;
                }
                float[] x = TestData.uniform(p.inputLength(), 1);
                float[] w = TestData.uniform(p.weightLength(), 2);
                float[] b = spec.hasBias() ? TestData.uniform(p.biasLength(), 3) : null;
                float[] y = new float[p.outputLength()];
                Plan plan = Planner.plan(p, w, 0, b, 0, k);
                long baseline = measureNothing();
                int zeroRun = 0;
                for (int call = 0; call < 200_000 && zeroRun < 20; call++) {
                    long before = allocated();
                    plan.execute(x, 0, y, 0);
                    zeroRun = allocated() - before - baseline <= 0 ? zeroRun + 1 : 0;
                }
                long before = allocated();
                for (int i = 0; i < 50; i++) {
                    plan.execute(x, 0, y, 0);
                }
                long bytes = allocated() - before - baseline;
                assertEquals(0, Math.max(0, bytes), k.kernelName() + " allocated " + bytes + " bytes in 50 warm executes of " + p);
            }
        }
    }

    /** What the counter itself reports around no work (0 on HotSpot; subtracted to be safe). */
    private static long measureNothing() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long before = allocated();
            min = Math.min(min, allocated() - before);
        }
        return min;
    }
}
