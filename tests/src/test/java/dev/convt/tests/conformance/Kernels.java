package dev.convt.tests.conformance;

import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.ReferenceKernel;
import org.junit.jupiter.api.DynamicTest;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/** Runs conformance cases on every kernel that accepts them (a kernel that declines a case gets no test for it, and says so in its container's name). */
final class Kernels {
    private Kernels() {}

    /** Whether the kernel takes the problem. */
    static boolean accepts(String kernelName, Problem p) {
        return Planner.kernel(KernelChoice.parse(kernelName)).declineReason(p) == null;
    }

    /** The display name of a kernel's container: the kernel, and how many cases it declines. */
    static <T> String container(String kernel, List<T> cases, Function<T, Problem> problem) {
        long declined = cases.stream().filter(c -> !accepts(kernel, problem.apply(c))).count();
        if (kernel.equals(ReferenceKernel.NAME) && declined > 0) {
            throw new IllegalStateException("the reference declines " + declined + " conformance case(s)");
        }
        return declined == 0 ? kernel : kernel + " (declines " + declined + " of " + cases.size() + ")";
    }

    /** One test per case the kernel accepts. */
    static <T> Stream<DynamicTest> tests(String kernel, List<T> cases, Function<T, Problem> problem,
                                         Function<T, String> name, java.util.function.Consumer<T> check) {
        return cases.stream().filter(c -> accepts(kernel, problem.apply(c)))
                .map(c -> DynamicTest.dynamicTest(name.apply(c) + " [" + kernel + "]", () -> check.accept(c)));
    }

    /** The output of {@code kernelName} on the problem, every element written (checked against a NaN fill). */
    static float[] run(String kernelName, Problem p, float[] x, float[] w, float[] b) {
        Plan plan = Planner.plan(p, w, 0, b, 0, KernelChoice.parse(kernelName));
        float[] y = new float[p.outputLength()];
        Arrays.fill(y, Float.NaN);
        plan.execute(x, 0, y, 0);
        return y;
    }

    /**
     * As {@link #run}, with the tensors channels last in native memory: the input transposed to
     * {@code (N, *spatial, C)} in a native segment, packed weights made from native segments, the
     * output written into a NaN-filled native segment, at two threads; returned channels first again.
     */
    static float[] runChannelsLastNative(String kernelName, Problem p, float[] x, float[] w, float[] b) {
        Problem q = p.withLayout(dev.convt.Layout.CHANNELS_LAST);
        int n = p.batch(), cin = p.spec().inChannels(), cout = p.spec().outChannels();
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) {
            dev.convt.PackedWeights packed = Planner.pack(p.spec(), segment(arena, w), b == null ? null : segment(arena, b));
            Plan plan = Planner.plan(q, packed, KernelChoice.parse(kernelName)).withParallelism(dev.convt.Parallelism.threads(2));
            java.lang.foreign.MemorySegment xs = segment(arena, dev.convt.tests.kernels.LayoutAgreementTest.channelsLast(x, n, cin, p.inputPlane()));
            float[] nan = new float[p.outputLength()];
            Arrays.fill(nan, Float.NaN);
            java.lang.foreign.MemorySegment ys = segment(arena, nan);
            plan.execute(xs, ys);
            // (N, P, C) back to (N, C, P): the same transpose with the roles of C and P swapped
            return dev.convt.tests.kernels.LayoutAgreementTest.channelsLast(ys.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT), n, p.outputPlane(), cout);
        }
    }

    private static java.lang.foreign.MemorySegment segment(java.lang.foreign.Arena arena, float[] data) {
        java.lang.foreign.MemorySegment s = arena.allocate(4L * Math.max(1, data.length), 64);
        java.lang.foreign.MemorySegment.copy(data, 0, s, java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, data.length);
        return s;
    }
}
