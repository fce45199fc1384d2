package dev.convt.tests.hostile;

import dev.convt.ConvTransposeSpec;
import dev.convt.Parallelism;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad segment given to {@link Plan#execute(MemorySegment, long, MemorySegment, long, Parallelism,
 * dev.convt.Scratchpad)} is rejected before anything is written, on every kernel, at one and two
 * threads: an {@link IllegalArgumentException} naming the parameter, the value and the rule (a closed
 * arena an {@link IllegalStateException}, another thread's confined arena a {@link WrongThreadException}),
 * and the output, pre-filled with a sentinel, unchanged.
 */
class HostileSegmentsTest {

    /** One bad call: how to make it from a plan and a fresh arena, what it throws, and words its message must hold. */
    record Hostile(String name, Class<? extends RuntimeException> thrown, List<String> words, Call call) {
        @Override
        public String toString() { return name; }
    }

    /** Runs the bad call on a plan; the output it is given (whose bytes must not change) is returned in out[0]. */
    @FunctionalInterface
    interface Call {
        void run(Plan plan, Arena arena, MemorySegment[] out, Parallelism par);
    }

    static final float SENTINEL = 7.5f;

    static MemorySegment input(Arena arena, Problem p) {
        MemorySegment x = arena.allocate(4L * p.inputLength(), 4);
        MemorySegment.copy(TestData.smallInts(p.inputLength(), 1), 0, x, ValueLayout.JAVA_FLOAT, 0, p.inputLength());
        return x;
    }

    static MemorySegment output(Arena arena, long floats) {
        MemorySegment y = arena.allocate(4 * floats, 4);
        for (long i = 0; i < floats; i++) {
            y.setAtIndex(ValueLayout.JAVA_FLOAT, i, SENTINEL);
        }
        return y;
    }

    @Provide
    Arbitrary<Hostile> hostile() {
        List<Hostile> all = new ArrayList<>();
        all.add(new Hostile("negative input offset", IllegalArgumentException.class, List.of("input", "byteOffset=-4", "non-negative"),
                (plan, a, out, par) -> {
                    out[0] = output(a, plan.problem().outputLength());
                    plan.execute(input(a, plan.problem()), -4, out[0], 0, par);
                }));
        all.add(new Hostile("output offset not a multiple of 4", IllegalArgumentException.class, List.of("output", "byteOffset=2", "multiple of 4"),
                (plan, a, out, par) -> {
                    out[0] = output(a, plan.problem().outputLength() + 1);
                    plan.execute(input(a, plan.problem()), 0, out[0], 2, par);
                }));
        all.add(new Hostile("misaligned native input", IllegalArgumentException.class, List.of("input", "aligned to 4 bytes", "address"),
                (plan, a, out, par) -> {
                    out[0] = output(a, plan.problem().outputLength());
                    MemorySegment x = a.allocate(4L * plan.problem().inputLength() + 8, 8).asSlice(2);
                    plan.execute(x, 0, out[0], 0, par);
                }));
        all.add(new Hostile("byte[] heap output", IllegalArgumentException.class, List.of("output", "aligned to 4 bytes", "at most 1"),
                (plan, a, out, par) -> {
                    out[0] = MemorySegment.ofArray(new byte[4 * plan.problem().outputLength()]);
                    out[0].fill((byte) 3);
                    plan.execute(input(a, plan.problem()), 0, out[0], 0, par);
                }));
        all.add(new Hostile("input too small", IllegalArgumentException.class, List.of("input segment too small", "byteSize()=", "needs"),
                (plan, a, out, par) -> {
                    out[0] = output(a, plan.problem().outputLength());
                    plan.execute(input(a, plan.problem()).asSlice(4), 0, out[0], 0, par);
                }));
        all.add(new Hostile("output too small at its offset", IllegalArgumentException.class, List.of("output segment too small", "byteOffset=8"),
                (plan, a, out, par) -> {
                    out[0] = output(a, plan.problem().outputLength() + 1);
                    plan.execute(input(a, plan.problem()), 0, out[0], 8, par);
                }));
        all.add(new Hostile("read-only output", IllegalArgumentException.class, List.of("output", "read-only"),
                (plan, a, out, par) -> {
                    out[0] = output(a, plan.problem().outputLength());
                    plan.execute(input(a, plan.problem()), 0, out[0].asReadOnly(), 0, par);
                }));
        all.add(new Hostile("overlapping native ranges", IllegalArgumentException.class, List.of("input and output overlap", "native"),
                (plan, a, out, par) -> {
                    Problem p = plan.problem();
                    out[0] = output(a, p.inputLength() + p.outputLength());
                    plan.execute(out[0], 0, out[0], 4L * (p.inputLength() - 1), par);
                }));
        all.add(new Hostile("overlapping ranges of one array", IllegalArgumentException.class, List.of("input and output overlap", "same array"),
                (plan, a, out, par) -> {
                    Problem p = plan.problem();
                    float[] one = new float[p.inputLength() + p.outputLength()];
                    java.util.Arrays.fill(one, SENTINEL);
                    out[0] = MemorySegment.ofArray(one);
                    // the input through a read-only view of the same array: still the same memory
                    plan.execute(out[0].asReadOnly(), 4, out[0], 0, par);
                }));
        all.add(new Hostile("closed arena", IllegalStateException.class, List.of("input", "closed"),
                (plan, a, out, par) -> {
                    out[0] = output(a, plan.problem().outputLength());
                    Arena closed = Arena.ofConfined();
                    MemorySegment x = input(closed, plan.problem());
                    closed.close();
                    plan.execute(x, 0, out[0], 0, par);
                }));
        all.add(new Hostile("another thread's confined arena", WrongThreadException.class, List.of("input", "confined"),
                (plan, a, out, par) -> {
                    out[0] = output(a, plan.problem().outputLength());
                    MemorySegment[] x = new MemorySegment[1];
                    Arena[] arena = new Arena[1];
                    Thread t = Thread.ofPlatform().start(() -> {
                        arena[0] = Arena.ofConfined();
                        x[0] = input(arena[0], plan.problem());
                    });
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    plan.execute(x[0], 0, out[0], 0, par);
                }));
        all.add(new Hostile("another plan's scratchpad", IllegalArgumentException.class, List.of("scratchpad", "another plan"),
                (plan, a, out, par) -> {
                    out[0] = output(a, plan.problem().outputLength());
                    Plan other = Planner.plan(plan.problem(), new float[plan.problem().weightLength()], 0,
                            plan.problem().spec().hasBias() ? new float[plan.problem().biasLength()] : null, 0);
                    plan.execute(input(a, plan.problem()), 0, out[0], 0, par, other.newScratchpad());
                }));
        return Arbitraries.of(all);
    }

    static final List<Problem> PROBLEMS = List.of(
            ConvTransposeSpec.builder2d(6, 5, 3).stride(2).padding(1).build().problem(2, new int[] {5, 7}),
            ConvTransposeSpec.builder1d(4, 4, 3).stride(2).groups(4).bias(false).build().problem(1, new int[] {40}),
            ConvTransposeSpec.builder2d(5, 6, 16).stride(8).padding(4).build().problem(1, new int[] {3, 4}),
            ConvTransposeSpec.builder(3, 3, 4, new int[] {2, 2, 2}).stride(2).build().problem(1, new int[] {3, 2, 3}),
            ConvTransposeSpec.builder2d(8, 6, 4).build().problem(3, new int[] {1, 1}));

    @Provide
    Arbitrary<KernelChoice> kernels() {
        return Arbitraries.of(Planner.kernelNames().stream().map(KernelChoice::parse).toList());
    }

    @Property(tries = 300)
    void everyBadSegmentIsRejectedBeforeAnythingIsWritten(@ForAll("hostile") Hostile h, @ForAll("kernels") KernelChoice k,
                                                          @ForAll boolean twoThreads, @ForAll int problemGene) {
        Problem p = PROBLEMS.get(Math.floorMod(problemGene, PROBLEMS.size()));
        if (Planner.kernel(k).declineReason(p) != null) {
            return;
        }
        Plan plan = Planner.plan(p, TestData.smallInts(p.weightLength(), 2), 0,
                p.spec().hasBias() ? TestData.smallInts(p.biasLength(), 3) : null, 0, k);
        Parallelism par = twoThreads ? Parallelism.threads(2).withMinTaskWork(1) : Parallelism.serial();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment[] out = new MemorySegment[1];
            RuntimeException e = assertThrows(h.thrown(), () -> h.call().run(plan, arena, out, par), h.name());
            for (String word : h.words()) {
                assertTrue(e.getMessage() != null && e.getMessage().contains(word),
                        h.name() + ": the message should say '" + word + "': " + e.getMessage());
            }
            byte[] bytes = out[0].toArray(ValueLayout.JAVA_BYTE);
            Function<Integer, Float> floatAt = i -> MemorySegment.ofArray(bytes).get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4L * i);
            boolean byteSentinel = h.name().startsWith("byte[]");
            for (int i = 0; i < bytes.length / 4; i++) {
                if (byteSentinel) {
                    assertEquals(3, bytes[4 * i], h.name() + ": output written at byte " + 4 * i);
                } else {
                    assertEquals(SENTINEL, floatAt.apply(i), h.name() + ": output written at float " + i);
                }
            }
        }
    }
}
