package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Layout;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plan-time warm-up ({@link Plan#warmUp}): it never writes the caller's buffers, never changes a
 * result (bitwise), and {@code -Ddev.convt.warmup} switches plan-time warm-up (on by default; values other than true and false are refused). No
 * timing is asserted.
 */
class WarmUpTest {
    private static final String PROPERTY = "dev.convt.warmup";
    private static final String BUDGET = "dev.convt.warmup.millis";

    @Provide
    Arbitrary<Problem> problems() {
        return net.jqwik.api.Arbitraries.oneOf(Problems.problems(1, 2, 3, 6), Problems.rank3(), Problems.singlePosition());
    }

    /**
     * For every kernel that takes the problem: a plan made with warm-up off and a plan made with it on
     * (then warmed again explicitly, between executes) give bitwise the same output; planning and
     * warming leave the weight, bias and input arrays as they were, and an explicit warm-up after an
     * execute leaves the output array (and guard zones around it) untouched.
     */
    @Property(tries = 40)
    void warmUpWritesNoCallerBufferAndChangesNoResult(@ForAll("problems") Problem p,
                                                     @ForAll @LongRange(min = 0, max = 1000) long seed) {
        float[] x = TestData.smallInts(p.inputLength(), seed);
        float[] w = TestData.smallInts(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.biasLength(), seed + 2) : null;
        float[] x0 = x.clone(), w0 = w.clone(), b0 = b == null ? null : b.clone();
        for (KernelChoice k : choices(p)) {
            Plan cold = withWarmUp(false, () -> Planner.plan(p, w, 0, b, 0, k));
            Plan warm = withWarmUp(true, () -> Planner.plan(p, w, 0, b, 0, k));
            assertArrayEquals(w0, w, k + ": planning wrote the weight array");
            assertArrayEquals(b0, b, k + ": planning wrote the bias array");
            float[] expected = new float[p.outputLength()];
            cold.execute(x, 0, expected, 0);

            int guard = 7;
            float sentinel = -12345f;
            float[] y = new float[guard + p.outputLength() + guard];
            Arrays.fill(y, sentinel);
            warm.execute(x, 0, y, guard);
            float[] after = y.clone();
            cold.warmUp();
            warm.warmUp();
            assertArrayEquals(after, y, k + ": a warm-up wrote the caller's output array");
            assertArrayEquals(x0, x, k + ": the input array changed");
            assertArrayEquals(w0, w, k + ": a warm-up wrote the weight array");
            assertArrayEquals(b0, b, k + ": a warm-up wrote the bias array");
            float[] got = Arrays.copyOfRange(y, guard, guard + p.outputLength());
            int at = FastKernels.firstBitDifference(expected, got);
            assertEquals(-1, at, () -> k + ": warm plan differs from the cold plan at " + at + " for " + p);
            // and again after the explicit warm-ups (which share nothing with the plan's own state)
            float[] again = new float[p.outputLength()];
            warm.execute(x, 0, again, 0);
            assertEquals(-1, FastKernels.firstBitDifference(expected, again), () -> k + ": result changed after warmUp() for " + p);
        }
    }

    /**
     * With the property off, a new plan is not warmed (its explicit warm-up then has runs to do); with it
     * on, or unset (the default), the plan was warmed when made (its explicit warm-up has nothing left).
     * Each case uses a shape no other test plans, so the JVM-wide memory of warmed paths starts empty for it.
     */
    @Example
    void thePropertySwitchesPlanTimeWarmUpOff() {
        for (KernelChoice k : FastKernels.all()) {
            Problem off = unusual(k, 13);
            Problem on = unusual(k, 11);
            Problem unset = unusual(k, 9);
            float[] wOff = TestData.smallInts(off.weightLength(), 1), wOn = TestData.smallInts(on.weightLength(), 1);
            Plan notWarmed = withWarmUp(false, () -> Planner.plan(off, wOff, 0, null, 0, k));
            Plan warmed = withWarmUp(true, () -> Planner.plan(on, wOn, 0, null, 0, k));
            assertTrue(notWarmed.warmUp() > 0, k + ": with " + PROPERTY + "=false the plan was warmed when made");
            assertEquals(0, notWarmed.warmUp(), k + ": the same paths were warmed twice");
            assertEquals(0, warmed.warmUp(), k + ": with warm-up on the plan was not warmed when made");
            Plan byDefault = withWarmUp(null, () -> Planner.plan(unset, TestData.smallInts(unset.weightLength(), 1), 0, null, 0, k));
            assertEquals(0, byDefault.warmUp(), k + ": plan-time warm-up is not on by default");
        }
    }

    /** A value of the property other than true or false is refused, naming the property, the value and the rule. */
    @Example
    void aPropertyValueOtherThanTrueOrFalseIsRefused() {
        Problem p = ConvTransposeSpec.builder1d(6, 9, 3).stride(2).bias(false).build().problem(1, new int[] {5});
        float[] w = TestData.smallInts(p.weightLength(), 1);
        IllegalArgumentException e = withWarmUp("yes", () -> assertThrows(IllegalArgumentException.class,
                () -> Planner.plan(p, w, 0, null, 0, KernelChoice.AUTO)));
        assertEquals(PROPERTY + " must be true or false, but got 'yes'", e.getMessage());
    }

    /**
     * {@link Plan#warmUp(boolean) warmUp(true)} warms the native-segment code apart from the array code
     * (the fast kernels that read and write native segments in place): after {@code warmUp()} it still has
     * runs to do, then nothing is left for either; where native segments are staged through arrays (a
     * kernel plan that does not {@link dev.convt.kernel.KernelPlan#executesSegments() execute segments},
     * and channels last on the scatter kernel through its layout stage), the array warm-up covered everything.
     */
    @Example
    void warmingNativeSegmentsWarmsTheSegmentCodeOnce() {
        for (KernelChoice k : FastKernels.all()) {
            Problem p = unusual(k, 19);
            Plan plan = withWarmUp(false, () -> Planner.plan(p, TestData.smallInts(p.weightLength(), 1), 0, null, 0, k));
            assertTrue(plan.warmUp() > 0, k + ": the array paths were warm before");
            if (!executesSegments(k, p)) {
                assertEquals(0, plan.warmUp(true), k + ": stages native segments, so the array warm-up covered it");
                continue;
            }
            assertTrue(plan.warmUp(true) > 0, k + ": warmUp(true) found the native-segment paths warm after warmUp()");
            assertEquals(0, plan.warmUp(true), k + ": the native-segment paths were warmed twice");
            assertEquals(0, plan.warmUp(), k + ": the array paths were warmed twice");
        }
        Problem staged = unusual(KernelChoice.SCATTER, 17).withLayout(Layout.CHANNELS_LAST);
        Plan plan = withWarmUp(false, () -> Planner.plan(staged, TestData.smallInts(staged.weightLength(), 1), 0, null, 0,
                KernelChoice.SCATTER));
        assertTrue(plan.warmUp() > 0, "the channels-last scatter paths were warm before");
        assertEquals(0, plan.warmUp(true), "native segments of a channels-last scatter plan go through its layout stage's arrays");
    }

    /**
     * {@link Plan#prepareWorkspace()}: plan-time warm-up makes the planning thread's workspace when it
     * is no larger than the problem's data (its {@code prepareWorkspace()} then allocates nothing),
     * another thread makes its own there, and with warm-up off, or for a workspace larger than the
     * data, the plan is made without one (the first call allocates, the second nothing). The heap
     * bytes the calls allocate are counted (the thread allocation counter); the problem's shape is
     * used nowhere else, for every fast kernel.
     */
    @Example
    void planTimeWarmUpMakesThePlanningThreadsWorkspace() throws InterruptedException {
        for (KernelChoice k : FastKernels.all()) {
            Problem on = unusual(k, 17).spec().problem(1, new int[] {20000}), off = unusual(k, 19).spec().problem(1, new int[] {20000});
            Plan warmed = withWarmUp(true, () -> Planner.plan(on, TestData.smallInts(on.weightLength(), 1), 0, null, 0, k));
            Plan notWarmed = withWarmUp(false, () -> Planner.plan(off, TestData.smallInts(off.weightLength(), 1), 0, null, 0, k));
            assertTrue(warmed.workspaceBytes() > 0, k + ": no workspace to make for " + on);
            assertTrue(warmed.workspaceBytes() <= 4L * (on.inputLength() + on.outputLength()), k + ": a workspace larger than the data of " + on);
            assertEquals(0, allocatedBy(warmed::prepareWorkspace), k + ": plan-time warm-up did not make the planning thread's workspace");
            long[] otherThread = new long[1];
            Thread t = Thread.ofPlatform().start(() -> otherThread[0] = allocatedBy(warmed::prepareWorkspace));
            t.join();
            assertTrue(otherThread[0] > 0, k + ": another thread's prepareWorkspace made nothing");
            assertTrue(allocatedBy(notWarmed::prepareWorkspace) > 0, k + ": with warm-up off the plan came with a workspace");
            assertEquals(0, allocatedBy(notWarmed::prepareWorkspace), k + ": a second prepareWorkspace made another workspace");
        }
        // one input position 2^14 channels deep: im2col's workspace (a packed column panel that deep) outweighs the data
        Problem deep = ConvTransposeSpec.builder1d(1 << 14, 1, 3).bias(false).build().problem(1, new int[] {1});
        Plan big = withWarmUp(true, () -> Planner.plan(deep, TestData.smallInts(deep.weightLength(), 1), 0, null, 0, KernelChoice.IM2COL));
        assertTrue(big.workspaceBytes() > 4L * (deep.inputLength() + deep.outputLength()), "the workspace fits the data of " + deep);
        assertTrue(allocatedBy(big::prepareWorkspace) > 0, "a workspace larger than the data was made at plan time");
    }

    /** The heap bytes the calling thread allocates in {@code call} (the JVM's thread allocation counter). */
    private static long allocatedBy(Runnable call) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = bean.getCurrentThreadAllocatedBytes();
        call.run();
        return bean.getCurrentThreadAllocatedBytes() - before;
    }

    /** Whether kernel {@code k}'s plan of {@code p} reads and writes native segments itself (the plan is asked, not the kernel's name). */
    private static boolean executesSegments(KernelChoice k, Problem p) {
        return Planner.kernel(k).prepare(p, TestData.smallInts(p.weightLength(), 1), 0, null, 0).executesSegments();
    }

    /**
     * A 1-D problem with a shape (kernel 9, 11, 13, 17 or 19, stride 5, padding 4, 3 groups) used nowhere else;
     * for a kernel that takes only kernels a multiple of the stride (sub-pixel), kernel 5, 10, 15 or 30.
     */
    private static Problem unusual(KernelChoice k, int kernel) {
        Problem p = ConvTransposeSpec.builder1d(6, 9, kernel).stride(5).padding(4).groups(3).bias(false).build()
                .problem(1, new int[] {37});
        if (!FastKernels.accepts(k, p)) {
            p = ConvTransposeSpec.builder1d(6, 9, 5 * (kernel - 7) / 2).stride(5).padding(4).groups(3).bias(false).build()
                    .problem(1, new int[] {37});
        }
        assertTrue(FastKernels.accepts(k, p), k + " declines " + p);
        return p;
    }

    /** Every fast kernel that takes the problem, and the automatic choice. */
    private static List<KernelChoice> choices(Problem p) {
        List<KernelChoice> out = new ArrayList<>();
        for (KernelChoice k : FastKernels.all()) {
            if (FastKernels.accepts(k, p)) {
                out.add(k);
            }
        }
        out.add(KernelChoice.AUTO);
        return out;
    }

    /** Runs the action with plan-time warm-up on or off, and a JVM budget other tests cannot have spent. */
    private static <T> T withWarmUp(boolean on, java.util.function.Supplier<T> action) {
        return withWarmUp(Boolean.toString(on), action);
    }

    /** Runs the action with the warm-up property set to {@code value} (null: unset) and a budget other tests cannot have spent. */
    private static <T> T withWarmUp(String value, java.util.function.Supplier<T> action) {
        String before = System.getProperty(PROPERTY), budget = System.getProperty(BUDGET);
        if (value == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, value);
        }
        System.setProperty(BUDGET, Long.toString(Long.MAX_VALUE / 2_000_000));
        try {
            return action.get();
        } finally {
            restore(PROPERTY, before);
            restore(BUDGET, budget);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
