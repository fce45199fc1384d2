package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.Layout;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.Scratchpad;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Plan#execute(MemorySegment, long, MemorySegment, long, Parallelism, Scratchpad)} on heap and
 * native segments, at byte offsets, at one and two threads, with and without a scratchpad, writes bit
 * for bit what the {@code float[]} execute writes, on every kernel (the reference included), and
 * nothing outside its output; weights and bias planned from segments give the same plan. On
 * small-integer data the segment result is also the reference's, bitwise (exact activations);
 * random real data checks that nothing but the buffers changed (any change of order would show).
 * Both layouts: a channels-last problem's segments go through the layout stage (its staging from the
 * scratchpad when one is given) or im2col's own channels-last packing and write-out.
 */
class SegmentExecuteProperties {

    /**
     * Where a buffer lives: a heap segment over a whole {@code float[]}, a slice of one that starts
     * inside its array (both computed in place, at the slice's index), a heap segment over an
     * {@code int[]} (staged through arrays, as native memory is), native memory.
     */
    enum Memory { HEAP, HEAP_SLICE, INT_ARRAY, NATIVE }

    /** The floats before a {@link Memory#HEAP_SLICE} slice in its array. */
    private static final int SLICE_START = 7;

    /** Written around every output region: a NaN payload no kernel produces. */
    static final float GUARD = Float.intBitsToFloat(0x7fc0_0b0b);

    @Provide
    Arbitrary<Problem> problems() {
        return Arbitraries.oneOf(Problems.problems(1, 2, 3, 10), Problems.tails(), Problems.rank3(), Problems.singlePosition(),
                ParallelDeterminismTest.fewChannels());
    }

    @Provide
    Arbitrary<Activation> activations() {
        return Arbitraries.of(Activation.none(), Activation.relu(), Activation.leakyRelu(0.25f), Activation.clamp(-3, 5),
                Activation.tanh(), Activation.sigmoid());
    }

    @Provide
    Arbitrary<Activation> exactActivations() {
        return Arbitraries.of(Activation.none(), Activation.relu(), Activation.leakyRelu(0.25f), Activation.clamp(-3, 5));
    }

    /** Every kernel that takes the problem: the fast ones and the reference. */
    static List<KernelChoice> kernels(Problem p) {
        List<KernelChoice> ks = new ArrayList<>();
        for (KernelChoice k : FastKernels.all()) {
            if (FastKernels.accepts(k, p)) {
                ks.add(k);
            }
        }
        ks.add(KernelChoice.REFERENCE);
        return ks;
    }

    @Property
    void segmentsGiveTheArrayBits(@ForAll("problems") Problem plain, @ForAll("activations") Activation act,
                                  @ForAll Memory xMemory, @ForAll Memory yMemory,
                                  @ForAll @IntRange(min = 0, max = 5) int xOff, @ForAll @IntRange(min = 0, max = 5) int yOff,
                                  @ForAll @IntRange(min = 1, max = 2) int threads, @ForAll boolean scratchpad,
                                  @ForAll Layout layout, @ForAll @LongRange(min = 0, max = 1000) long seed) {
        Problem p = ActivationAgreementTest.with(plain, act).withLayout(layout);
        float[] x = TestData.uniform(p.inputLength(), seed);
        float[] w = TestData.uniform(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.uniform(p.biasLength(), seed + 2) : null;
        Parallelism par = Parallelism.threads(threads).withMinTaskWork(1);
        try (Arena arena = Arena.ofShared()) {
            for (KernelChoice k : kernels(p)) {
                float[] expected = Planner.plan(p, w, 0, b, 0, k).withParallelism(par).execute(x);
                Plan plan = Planner.plan(p, segment(arena, Memory.NATIVE, w, 0), b == null ? null : segment(arena, Memory.HEAP, b, 0), k);
                float[] got = run(plan, arena, xMemory, x, xOff, yMemory, yOff, par, scratchpad ? plan.newScratchpad() : null);
                assertEquals(-1, FastKernels.firstBitDifference(expected, got),
                        () -> k + " on " + xMemory + "/" + yMemory + " segments differs from its float[] execute: " + p);
            }
        }
    }

    @Property
    void segmentsOnSmallIntegersGiveTheReferenceBits(@ForAll("problems") Problem plain, @ForAll("exactActivations") Activation act,
                                                    @ForAll Memory memory, @ForAll @IntRange(min = 1, max = 2) int threads,
                                                    @ForAll @LongRange(min = 0, max = 1000) long seed) {
        Problem p = ActivationAgreementTest.with(plain, act);
        float[] x = TestData.smallInts(p.inputLength(), seed);
        float[] w = TestData.smallInts(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.smallInts(p.biasLength(), seed + 2) : null;
        float[] expected = FastKernels.reference(p, x, w, b);
        Parallelism par = Parallelism.threads(threads).withMinTaskWork(1);
        try (Arena arena = Arena.ofShared()) {
            for (KernelChoice k : kernels(p)) {
                Plan plan = Planner.plan(p, w, 0, b, 0, k);
                float[] got = run(plan, arena, memory, x, 3, memory, 1, par, null);
                assertEquals(-1, FastKernels.firstBitDifference(expected, got), () -> k + " on " + memory + " segments: " + p);
            }
        }
    }

    @Property(tries = 50)
    void aScratchpadOnFreshVirtualThreadsGivesTheSameBits(@ForAll("problems") Problem plain, @ForAll @IntRange(min = 1, max = 2) int threads,
                                                         @ForAll boolean arrays, @ForAll Layout layout,
                                                         @ForAll @LongRange(min = 0, max = 1000) long seed)
            throws InterruptedException {
        Problem p = plain.withLayout(layout);
        float[] x = TestData.uniform(p.inputLength(), seed);
        float[] w = TestData.uniform(p.weightLength(), seed + 1);
        float[] b = p.spec().hasBias() ? TestData.uniform(p.biasLength(), seed + 2) : null;
        Parallelism par = Parallelism.threads(threads).withMinTaskWork(1);
        for (KernelChoice k : kernels(p)) {
            Plan plan = Planner.plan(p, w, 0, b, 0, k).withParallelism(par);
            float[] expected = plan.execute(x);
            Scratchpad scratchpad = plan.newScratchpad();
            assertEquals(plan.scratchpadBytes(), scratchpad.byteSize());
            // one scratchpad, three calls, each on a new virtual thread (one call at a time)
            for (int call = 0; call < 3; call++) {
                float[] y = new float[p.outputLength()];
                MemorySegment ys = MemorySegment.ofArray(y);
                Thread t = Thread.ofVirtual().start(() -> {
                    if (arrays) {
                        plan.execute(x, 0, y, 0, par, scratchpad);
                    } else {
                        plan.execute(MemorySegment.ofArray(x), 0, ys, 0, par, scratchpad);
                    }
                });
                t.join();
                assertEquals(-1, FastKernels.firstBitDifference(expected, y), () -> k + " with a scratchpad on a fresh thread: " + p);
            }
        }
    }

    /**
     * Executes on segments: the input at float {@code xOff} of a segment of {@code memory}, the output
     * at float {@code yOff} between guards; checks the guards and returns the output region.
     */
    static float[] run(Plan plan, Arena arena, Memory xMemory, float[] x, int xOff, Memory yMemory, int yOff,
                       Parallelism par, Scratchpad scratchpad) {
        Problem p = plan.problem();
        MemorySegment xs = segment(arena, xMemory, x, xOff);
        float[] guarded = new float[yOff + p.outputLength() + 3];
        java.util.Arrays.fill(guarded, GUARD);
        MemorySegment ys = segment(arena, yMemory, guarded, 0);
        plan.execute(xs, 4L * xOff, ys, 4L * yOff, par, scratchpad);
        float[] out = ys.asSlice(0, 4L * guarded.length).toArray(ValueLayout.JAVA_FLOAT);
        for (int i = 0; i < out.length; i++) {
            if (i < yOff || i >= yOff + p.outputLength()) {
                assertEquals(Float.floatToRawIntBits(GUARD), Float.floatToRawIntBits(out[i]),
                        "wrote outside the output at float " + i + ": " + plan);
            }
        }
        return java.util.Arrays.copyOfRange(out, yOff, yOff + p.outputLength());
    }

    /** A segment holding {@code data} from float {@code off} (the floats before it are garbage). */
    static MemorySegment segment(Arena arena, Memory memory, float[] data, int off) {
        MemorySegment s = switch (memory) {
            case HEAP -> MemorySegment.ofArray(new float[off + data.length]);
            case HEAP_SLICE -> MemorySegment.ofArray(new float[SLICE_START + off + data.length]).asSlice(4L * SLICE_START);
            case INT_ARRAY -> MemorySegment.ofArray(new int[off + data.length]);
            case NATIVE -> arena.allocate(4L * (off + data.length) + 1, 4); // one spare byte: the size need not be whole floats
        };
        for (int i = 0; i < off; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1e30f);
        }
        MemorySegment.copy(data, 0, s, ValueLayout.JAVA_FLOAT, 4L * off, data.length);
        return s;
    }
}
