package dev.convt.tests.kernels;

import com.sun.management.ThreadMXBean;
import dev.convt.ConvTranspose2d;
import dev.convt.ConvTransposeSpec;
import dev.convt.PackedWeights;
import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.Problem;
import dev.convt.Tensor;
import dev.convt.kernel.KernelChoice;
import dev.convt.testkit.Problems;
import dev.convt.testkit.TestData;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link PackedWeights}: plans of several input shapes of one spec made from one shared pack agree
 * bitwise with plans made directly from the weights, on every kernel (small-integer data); each kernel
 * layout is packed once, also when many threads plan at once; a problem of another spec and short
 * weights are rejected before anything is packed; the layer classes plan a new batch size over their
 * packed weights and repack only when a weight changes.
 */
class PackedWeightsTest {

    /** Every kernel choice: the automatic one, each fast kernel and the reference. */
    private static List<KernelChoice> choices() {
        List<KernelChoice> all = new ArrayList<>();
        all.add(KernelChoice.AUTO);
        all.add(KernelChoice.REFERENCE);
        all.addAll(FastKernels.all());
        return all;
    }

    @Provide
    Arbitrary<Problem> specs() {
        return Arbitraries.oneOf(Problems.problems(1, 3, 3, 6), Problems.singlePosition(), Problems.tails());
    }

    /**
     * Other input shapes of {@code p}'s spec: batch 1–4 and each spatial size 1–7 from the genes (each
     * pair of genes one shape); shapes whose output would be empty are skipped. {@code p} itself first.
     */
    private static List<Problem> shapesOf(Problem p, List<Integer> genes) {
        List<Problem> out = new ArrayList<>();
        out.add(p);
        ConvTransposeSpec spec = p.spec();
        for (int i = 0; i + 1 < genes.size(); i += 2) {
            int batch = 1 + genes.get(i) % 4;
            int[] in = p.inputSpatial();
            int g = genes.get(i + 1);
            // the gene keeps the spatial size half the time (a new batch alone), else changes it
            if (g % 2 == 1) {
                for (int d = 0; d < in.length; d++) {
                    in[d] = 1 + (g >> (1 + 3 * d)) % 7;
                }
            }
            try {
                out.add(spec.problem(batch, in));
            } catch (IllegalArgumentException emptyOutput) {
                // padding crops this input's whole output: not a shape of the layer
            }
        }
        return out;
    }

    private static float[] weights(Problem p, long seed) {
        return TestData.smallInts(p.weightLength(), seed + 1);
    }

    private static float[] bias(Problem p, long seed) {
        return p.spec().hasBias() ? TestData.smallInts(p.biasLength(), seed + 2) : null;
    }

    private static float[] run(Plan plan, float[] x) {
        float[] y = new float[plan.problem().outputLength()];
        Arrays.fill(y, Float.NaN);
        plan.execute(x, 0, y, 0);
        return y;
    }

    @Property(tries = 300)
    void plansFromOneSharedPackEqualDirectPlansBitwiseOnEveryKernel(
            @ForAll("specs") Problem p, @ForAll @Size(6) List<@IntRange(min = 0, max = 1 << 16) Integer> genes,
            @ForAll @LongRange(min = 0, max = 1000) long seed) {
        float[] w = weights(p, seed), b = bias(p, seed);
        List<Problem> shapes = shapesOf(p, genes);
        for (KernelChoice k : choices()) {
            PackedWeights packed = Planner.pack(p.spec(), w, b);
            TreeSet<String> layouts = new TreeSet<>();
            for (Problem q : shapes) {
                if (k != KernelChoice.AUTO && Planner.kernel(k).declineReason(q) != null) {
                    continue;
                }
                Plan shared = Planner.plan(q, packed, k);
                Plan direct = Planner.plan(q, w, 0, b, 0, k);
                assertEquals(direct.kernelName(), shared.kernelName(), () -> k + " on " + q);
                String layout = Planner.kernel(KernelChoice.parse(shared.kernelName())).packLayout(q);
                if (layout != null) {
                    layouts.add(shared.kernelName() + "/" + layout);
                }
                float[] x = TestData.smallInts(q.inputLength(), seed + 3);
                float[] expected = run(direct, x), actual = run(shared, x);
                int at = FastKernels.firstBitDifference(expected, actual);
                if (at >= 0) {
                    fail(k + " (" + shared.kernelName() + ") from a shared pack differs from a direct plan at " + at + ": "
                            + actual[at] + " vs " + expected[at] + " on " + q + " (shapes " + shapes + ")");
                }
            }
            // each layout the plans used was packed exactly once, and no other
            assertEquals(new ArrayList<>(layouts), packed.packLayouts(), () -> k + " on " + shapes);
            assertEquals(layouts.size(), packed.packsMade(), () -> k + " packed more than once per layout: " + packed);
        }
    }

    /**
     * A new batch size on a shape the packed weights have planned before reuses that shape's geometry
     * ({@link dev.convt.kernel.KernelGeometry}): plans of several batch sizes of {@code p}'s shape, made
     * before, between and after plans of other input shapes (more of them than the packed weights keep,
     * so the shape's geometry is also made again), agree bitwise with plans made directly from the
     * weights, on every kernel, executed on one thread and split over two.
     */
    @Property(tries = 150)
    void newBatchSizesOfAPlannedShapeEqualDirectPlansBitwise(
            @ForAll("specs") Problem p, @ForAll @Size(20) List<@IntRange(min = 0, max = 1 << 16) Integer> genes,
            @ForAll @LongRange(min = 0, max = 1000) long seed) {
        float[] w = weights(p, seed), b = bias(p, seed);
        ConvTransposeSpec spec = p.spec();
        int[] in = p.inputSpatial();
        // p's shape at batches 1..3, other shapes (from the genes) with p's shape at a new batch after each
        List<Problem> sequence = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            sequence.add(spec.problem(n, in));
        }
        int batch = 4;
        for (Problem other : shapesOf(p, genes).subList(1, shapesOf(p, genes).size())) {
            sequence.add(other);
            sequence.add(spec.problem(batch++, in));
        }
        List<dev.convt.Parallelism> parallelisms = List.of(dev.convt.Parallelism.serial(),
                dev.convt.Parallelism.threads(2).withMinTaskWork(1));
        for (KernelChoice k : choices()) {
            PackedWeights packed = Planner.pack(spec, w, b);
            for (Problem q : sequence) {
                if (k != KernelChoice.AUTO && Planner.kernel(k).declineReason(q) != null) {
                    continue;
                }
                Plan shared = Planner.plan(q, packed, k);
                Plan direct = Planner.plan(q, w, 0, b, 0, k);
                assertEquals(direct.kernelName(), shared.kernelName(), () -> k + " on " + q);
                assertEquals(direct.workspaceBytes(), shared.workspaceBytes(), () -> k + " workspace on " + q);
                float[] x = TestData.smallInts(q.inputLength(), seed + 3);
                for (dev.convt.Parallelism par : parallelisms) {
                    float[] expected = new float[q.outputLength()], actual = new float[q.outputLength()];
                    Arrays.fill(expected, Float.NaN);
                    Arrays.fill(actual, Float.NaN);
                    direct.execute(x, 0, expected, 0, par);
                    shared.execute(x, 0, actual, 0, par);
                    int at = FastKernels.firstBitDifference(expected, actual);
                    if (at >= 0) {
                        fail(k + " (" + shared.kernelName() + ", " + par + ") on a planned shape's new batch differs from a direct plan at "
                                + at + ": " + actual[at] + " vs " + expected[at] + " on " + q + " (sequence " + sequence + ")");
                    }
                }
            }
        }
    }

    /** Many threads plan new shapes from one fresh pack at once: each layout is packed once, every plan is right. */
    @Property(tries = 15)
    void concurrentPlanningFromManyThreadsMakesOnePack(@ForAll("concurrentKernels") KernelChoice k,
                                                       @ForAll @LongRange(min = 0, max = 1000) long seed) throws Exception {
        // big enough that packing takes a while, so the threads meet inside it
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(64, 48, 4).stride(4).build();
        float[] w = TestData.smallInts(spec.weightLength(), seed);
        float[] b = TestData.smallInts(spec.outChannels(), seed + 1);
        PackedWeights packed = Planner.pack(spec, w, b);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Plan>> plans = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Problem q = spec.problem(1 + t % 4, new int[] {2 + t / 4, 3});
                plans.add(pool.submit(() -> {
                    start.await();
                    return Planner.plan(q, packed, k);
                }));
            }
            start.countDown();
            for (Future<Plan> f : plans) {
                Plan plan = f.get();
                Problem q = plan.problem();
                float[] x = TestData.smallInts(q.inputLength(), seed + 2);
                float[] expected = run(Planner.plan(q, w, 0, b, 0, k), x);
                assertEquals(-1, FastKernels.firstBitDifference(expected, run(plan, x)), () -> k + " on " + q);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, packed.packLayouts().size(), packed::toString);
        assertEquals(1, packed.packsMade(), () -> "packed " + packed.packsMade() + " times by " + threads + " threads: " + packed);
    }

    @Provide
    Arbitrary<KernelChoice> concurrentKernels() {
        return Arbitraries.of(FastKernels.all());
    }

    /** A new batch size reuses the pack: no new packing call, the same bytes. */
    @Example
    void aNewBatchSizeDoesNotRepack() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(32, 16, 4).stride(2).padding(1).build();
        PackedWeights packed = Planner.pack(spec, TestData.smallInts(spec.weightLength(), 1), TestData.smallInts(16, 2));
        long sourceBytes = packed.packedWeightBytes();
        packed.plan(2, 32, 5, 5);
        long afterFirst = packed.packedWeightBytes();
        assertTrue(afterFirst > sourceBytes, "the first plan packs its kernel's layout");
        for (int n = 1; n <= 9; n++) {
            packed.plan(n, 32, 5, 5);
        }
        assertEquals(1, packed.packsMade(), packed::toString);
        assertEquals(afterFirst, packed.packedWeightBytes());
    }

    /** PyTorch's forward(x, output_size) changes output_padding only: allowed, and computed as a direct plan. */
    @Example
    void outputPaddingMayDifferFromThePackedSpec() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(8, 9, 3).stride(2).padding(1).build();
        float[] w = TestData.smallInts(spec.weightLength(), 5), b = TestData.smallInts(9, 6);
        PackedWeights packed = Planner.pack(spec, w, b);
        Problem q = spec.problem(2, 8, 4, 5).withOutputSize(8, 10);
        for (KernelChoice k : choices()) {
            if (k != KernelChoice.AUTO && Planner.kernel(k).declineReason(q) != null) {
                continue;
            }
            float[] x = TestData.smallInts(q.inputLength(), 7);
            assertEquals(-1, FastKernels.firstBitDifference(run(Planner.plan(q, w, 0, b, 0, k), x), run(Planner.plan(q, packed, k), x)),
                    () -> k + " on " + q);
        }
    }

    /** A problem of another spec is rejected, naming both, before anything is packed. */
    @Example
    void aProblemOfAnotherSpecIsRejectedBeforePacking() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(8, 9, 3).stride(2).build();
        PackedWeights packed = Planner.pack(spec, TestData.smallInts(spec.weightLength(), 5), TestData.smallInts(9, 6));
        long bytes = packed.packedWeightBytes();
        List<ConvTransposeSpec> others = List.of(
                spec.toBuilder().stride(3).build(),
                spec.toBuilder().padding(1).build(),
                spec.toBuilder().bias(false).build(),
                spec.toBuilder().dilation(2).build(),
                spec.toBuilder().activation(dev.convt.Activation.relu()).build(),
                ConvTransposeSpec.builder2d(8, 9, 4).stride(2).build(),
                ConvTransposeSpec.builder2d(8, 3, 3).stride(2).build());
        for (ConvTransposeSpec other : others) {
            Problem q = other.problem(1, 8, 4, 4);
            for (KernelChoice k : choices()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Planner.plan(q, packed, k), other::toString);
                assertTrue(e.getMessage().contains("only output_padding may differ") && e.getMessage().contains(other.toString()),
                        e::getMessage);
            }
        }
        assertEquals(0, packed.packsMade());
        assertEquals(bytes, packed.packedWeightBytes());
    }

    /** Short or missing weights and a stray bias are rejected, naming the parameter, without copying the weights. */
    @Example
    void shortWeightsAreRejectedWithNothingAllocated() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(512, 256, 4).build();
        float[] w = new float[spec.weightLength()];
        float[] b = new float[256];
        ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        record Bad(String name, Runnable call, String says) {}
        List<Bad> bad = List.of(
                new Bad("short weight", () -> Planner.pack(spec, Arrays.copyOf(w, 0), 0, b, 0), "weight buffer too small"),
                new Bad("offset past the weight", () -> Planner.pack(spec, w, 1, b, 0), "weight buffer too small"),
                new Bad("negative offset", () -> Planner.pack(spec, w, -1, b, 0), "weight offset must be non-negative"),
                new Bad("short bias", () -> Planner.pack(spec, w, 0, b, 1), "bias buffer too small"),
                new Bad("missing bias", () -> Planner.pack(spec, w, 0, null, 0), "bias missing"),
                new Bad("stray bias", () -> Planner.pack(spec.toBuilder().bias(false).build(), w, 0, b, 0), "bias given"));
        for (Bad c : bad) {
            long before = bean.getCurrentThreadAllocatedBytes();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c.call::run, c.name);
            long allocated = bean.getCurrentThreadAllocatedBytes() - before;
            assertTrue(e.getMessage().contains(c.says), () -> c.name + ": " + e.getMessage());
            // the message and the exception, never a copy of the 2 M weights (8 MiB)
            assertTrue(allocated < 256 * 1024, () -> c.name + " allocated " + allocated + " bytes");
        }
        assertThrows(NullPointerException.class, () -> Planner.pack(spec, null, 0, b, 0));
        assertThrows(NullPointerException.class, () -> Planner.pack(null, w, 0, b, 0));
    }

    /** The caller's arrays may change after packing: plans keep computing with the packed values. */
    @Example
    void theCallersArraysMayChangeAfterPacking() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder1d(6, 5, 3).stride(2).build();
        float[] w = TestData.smallInts(spec.weightLength(), 11), b = TestData.smallInts(5, 12);
        Problem q = spec.problem(2, 6, 7);
        float[] x = TestData.smallInts(q.inputLength(), 13);
        for (KernelChoice k : choices()) {
            if (k != KernelChoice.AUTO && Planner.kernel(k).declineReason(q) != null) {
                continue;
            }
            float[] expected = run(Planner.plan(q, w, 0, b, 0, k), x);
            float[] wCopy = w.clone(), bCopy = b.clone();
            PackedWeights packed = Planner.pack(spec, wCopy, bCopy);
            Arrays.fill(wCopy, 3f);
            Arrays.fill(bCopy, -2f);
            assertEquals(-1, FastKernels.firstBitDifference(expected, run(Planner.plan(q, packed, k), x)), k::toString);
        }
    }

    /** A kernel that implements prepare alone still plans from packed weights: no layout, and the default plan prepares from the source. */
    @Example
    void aKernelWithoutPackingPlansFromTheSourceWeights() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(3, 4, 3).stride(2).build();
        Problem q = spec.problem(2, 3, 5, 4);
        float[] w = TestData.smallInts(spec.weightLength(), 21), b = TestData.smallInts(4, 22);
        int[] prepared = {0};
        dev.convt.kernel.Kernel plain = new dev.convt.kernel.Kernel() {
            @Override
            public String name() { return "plain"; }

            @Override
            public String declineReason(Problem problem) { return null; }

            @Override
            public dev.convt.kernel.KernelPlan prepare(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
                prepared[0]++;
                return new dev.convt.kernel.ReferenceKernel().prepare(problem, weight, weightOffset, bias, biasOffset);
            }
        };
        assertEquals(null, plain.packLayout(q));
        assertThrows(UnsupportedOperationException.class, () -> plain.pack(q, w, 0, b, 0));
        dev.convt.kernel.KernelPlan plan = plain.plan(q, new dev.convt.kernel.SourceWeights(w, b));
        assertEquals(1, prepared[0], "the default plan step prepares from the source weights");
        float[] x = TestData.smallInts(q.inputLength(), 23), y = new float[q.outputLength()];
        plan.execute(x, 0, y, 0);
        assertEquals(-1, FastKernels.firstBitDifference(FastKernels.reference(q, x, w, b), y));
    }

    /**
     * The packed weights keep no kernel plan they handed out alive: a plan makes per-thread workspaces
     * when executed, which must go when the caller drops the plan, though the weights remember the
     * last plan's shape for the next batch size (they keep its geometry, not the plan). The kernel
     * plan is read from the plan reflectively, since nothing public exposes it; the next batch size is
     * still planned from what the weights kept, and computes what a direct plan does.
     */
    @Example
    void thePackedWeightsKeepNoPlanTheyMadeAlive() throws Exception {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(8, 4, 4).stride(2).padding(1).build();
        float[] w = TestData.smallInts(spec.weightLength(), 1), b = TestData.smallInts(spec.outChannels(), 2);
        PackedWeights packed = Planner.pack(spec, w, b);
        java.lang.ref.WeakReference<Object> kernelPlan = executeAndDrop(spec.problem(2, 8, 5, 5), packed);
        for (int i = 0; i < 50 && kernelPlan.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(kernelPlan.get(), "the packed weights keep the executed kernel plan (and its workspaces) alive");
        Problem next = spec.problem(3, 8, 5, 5);
        float[] x = TestData.smallInts(next.inputLength(), 3), expected = new float[next.outputLength()], actual = new float[next.outputLength()];
        Planner.plan(next, w, 0, b, 0).execute(x, 0, expected, 0);
        Planner.plan(next, packed).execute(x, 0, actual, 0);
        assertEquals(-1, FastKernels.firstBitDifference(expected, actual), "the next batch size, planned from what the weights kept");
    }

    /** Plans, executes on the calling thread's workspace and drops a plan; a weak reference to its kernel plan. */
    private static java.lang.ref.WeakReference<Object> executeAndDrop(Problem p, PackedWeights packed) throws Exception {
        Plan plan = Planner.plan(p, packed);
        assertEquals("im2col", plan.kernelName(), "a kernel that plans new batch sizes from the last plan");
        plan.execute(TestData.smallInts(p.inputLength(), 4), 0, new float[p.outputLength()], 0);
        java.lang.reflect.Field f = Plan.class.getDeclaredField("kernelPlan");
        f.setAccessible(true);
        return new java.lang.ref.WeakReference<>(f.get(plan));
    }

    /** The layer plans a new batch size over its packed weights, and repacks only when a weight changes. */
    @Example
    void theLayerPlansANewBatchSizeWithoutRepacking() {
        ConvTranspose2d layer = ConvTranspose2d.builder(16, 8, 4).stride(2).padding(1).build();
        PackedWeights before = layer.packedWeights();
        Tensor y1 = layer.forward(new Tensor(new int[] {1, 16, 5, 5}, TestData.smallInts(16 * 25, 1)));
        assertSame(before, layer.packedWeights(), "the forward used the packed weights");
        int made = before.packsMade();
        Tensor y3 = layer.forward(new Tensor(new int[] {3, 16, 5, 5}, TestData.smallInts(3 * 16 * 25, 2)));
        assertSame(before, layer.packedWeights(), "a new batch size keeps the packed weights");
        assertEquals(made, before.packsMade(), "a new batch size with the same kernel packs nothing");
        assertEquals(3, y3.shape()[0]);
        layer.weight().data()[0] += 1f;
        Tensor y1b = layer.forward(new Tensor(new int[] {1, 16, 5, 5}, TestData.smallInts(16 * 25, 1)));
        assertNotSame(before, layer.packedWeights(), "a changed weight is packed again");
        assertTrue(FastKernels.firstBitDifference(y1.data(), y1b.data()) >= 0, "the changed weight takes effect");
    }

    /** Weights and bias from native segments pack what the arrays pack; a short segment is rejected with nothing packed. */
    @Example
    void packedFromSegmentsEqualsPackedFromArrays() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(12, 10, 3).stride(2).padding(1).build();
        float[] w = TestData.smallInts(spec.weightLength(), 5), b = TestData.smallInts(10, 6);
        float[] x = TestData.smallInts(2 * 12 * 7 * 7, 7);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment ws = arena.allocate(4L * w.length, 4), bs = arena.allocate(4L * b.length, 4);
            java.lang.foreign.MemorySegment.copy(w, 0, ws, java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, w.length);
            java.lang.foreign.MemorySegment.copy(b, 0, bs, java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, b.length);
            PackedWeights fromSegments = Planner.pack(spec, ws, bs);
            for (KernelChoice k : SegmentExecuteProperties.kernels(spec.problem(2, 12, 7, 7))) {
                Problem p = spec.problem(2, 12, 7, 7);
                float[] expected = FastKernels.reference(p, x, w, b);
                assertEquals(-1, FastKernels.firstBitDifference(expected, Planner.plan(p, fromSegments, k).execute(x)), k::toString);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Planner.pack(spec, ws.asSlice(0, 4L * (w.length - 1)), bs));
            assertTrue(e.getMessage().contains("weight segment too small"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Planner.pack(spec, ws, bs.asSlice(0, 36)));
            assertTrue(e.getMessage().contains("bias segment too small"), e.getMessage());
        }
    }

    /**
     * The convenience entries: {@link PackedWeights#spec()}, {@link PackedWeights#plan(int...)} (the
     * automatic choice) and {@link PackedWeights#plan(Problem, KernelChoice)} give plans of the packed spec
     * that compute the reference's values; {@code toString} names the spec and the layouts packed so far.
     */
    @Example
    void theConvenienceEntriesPlanThePackedSpec() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(8, 6, 3).stride(2).padding(1).build();
        float[] w = TestData.smallInts(spec.weightLength(), 31), b = TestData.smallInts(6, 32);
        PackedWeights packed = Planner.pack(spec, w, b);
        assertSame(spec, packed.spec());
        Problem q = spec.problem(2, 8, 4, 5);
        float[] x = TestData.smallInts(q.inputLength(), 33);
        float[] expected = FastKernels.reference(q, x, w, b);
        Plan auto = packed.plan(2, 8, 4, 5);
        assertEquals(q, auto.problem());
        assertEquals(-1, FastKernels.firstBitDifference(expected, run(auto, x)), auto::toString);
        for (KernelChoice k : choices()) {
            if (k != KernelChoice.AUTO && Planner.kernel(k).declineReason(q) != null) {
                continue;
            }
            Plan plan = packed.plan(q, k);
            if (k != KernelChoice.AUTO) {
                assertEquals(k.kernelName(), plan.kernelName());
            }
            assertEquals(-1, FastKernels.firstBitDifference(expected, run(plan, x)), plan::toString);
        }
        String text = packed.toString();
        assertTrue(text.contains(spec.toString()) && text.contains(packed.packLayouts().toString()), text);
        assertTrue(!packed.packLayouts().isEmpty() || FastKernels.all().isEmpty(), text);
    }

    /**
     * Before any kernel packs, the packed weights hold the copy of the weights and bias alone: 4 bytes per
     * weight and per bias value (the bias none without one); a kernel that packs nothing (the reference)
     * adds nothing.
     */
    @Example
    void theSourceCopyIsFourBytesPerWeightAndBiasValue() {
        ConvTransposeSpec spec = ConvTransposeSpec.builder2d(6, 4, 3).stride(2).groups(2).build();
        // 6 x 2 x 3 x 3 = 108 weights, 4 bias values
        PackedWeights withBias = Planner.pack(spec, TestData.smallInts(108, 1), TestData.smallInts(4, 2));
        assertEquals(4L * (108 + 4), withBias.packedWeightBytes());
        ConvTransposeSpec noBias = spec.toBuilder().bias(false).build();
        PackedWeights without = Planner.pack(noBias, TestData.smallInts(108, 1), null);
        assertEquals(4L * 108, without.packedWeightBytes());
        without.plan(noBias.problem(1, 6, 3, 3), KernelChoice.REFERENCE);
        assertEquals(4L * 108, without.packedWeightBytes(), "the reference packs nothing");
        assertEquals(0, without.packsMade());
    }

    /**
     * A layer call rejected for its buffers plans nothing: the check comes before the layer packs or
     * plans (so a rejected first call leaves {@code lastKernelName()} null), as for every bad input.
     */
    @Example
    void aLayerCallWithAShortOutputIsRejectedBeforePlanning() {
        dev.convt.ConvTranspose1d layer = dev.convt.ConvTranspose1d.builder(3, 2, 3).stride(2).build();
        int[] shape = {1, 3, 4};
        float[] x = TestData.smallInts(12, 41);
        int outLength = 2 * (2 * 3 + 3); // Cout x ((L - 1) * stride + kernel) = 2 x 9
        float[] shortY = new float[outLength - 1];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.forward(x, 0, shape, shortY, 0));
        assertTrue(e.getMessage().contains("output"), e::getMessage);
        assertEquals(null, layer.lastKernelName(), "a rejected call made a plan");
        float[] y = new float[outLength];
        layer.forward(x, 0, shape, y, 0);
        assertTrue(layer.lastKernelName() != null);
    }

    /**
     * Every kernel's pack holds each weight and bias value at least once (in its own order, padded, or
     * as a copy), so the bytes it adds to the packed weights, and the packed-weight bytes its plans
     * report, are at least 4 per weight and bias value: on each kernel's packing paths (im2col's GEMM
     * panels and its single-position projection, scatter's phase and tap-vector orders, the sub-pixel
     * phase matrix and its copy of non-finite weights), with and without bias.
     */
    @Example
    void everyPackHoldsEachWeightAndBiasValueAtLeastOnce() {
        int v = dev.convt.vector.scatter.ScatterTuning.TAP_V;
        record Case(KernelChoice kernel, Problem problem, boolean nonFinite) {}
        List<Case> cases = new ArrayList<>();
        for (boolean bias : new boolean[] {true, false}) {
            ConvTransposeSpec gemm = ConvTransposeSpec.builder2d(8, 4, 3).bias(bias).build();
            cases.add(new Case(KernelChoice.IM2COL, gemm.problem(1, 8, 5, 5), false));
            cases.add(new Case(KernelChoice.IM2COL, gemm.problem(2, 8, 1, 1), false));
            cases.add(new Case(KernelChoice.SCATTER, ConvTransposeSpec.builder1d(2, 3, 3).stride(2).bias(bias).build().problem(1, 2, 9), false));
            cases.add(new Case(KernelChoice.SCATTER, ConvTransposeSpec.builder1d(2, 3, 2 * v).stride(v).bias(bias).build().problem(1, 2, 9), false));
            ConvTransposeSpec phases = ConvTransposeSpec.builder2d(4, 3, 4).stride(4).bias(bias).build();
            cases.add(new Case(KernelChoice.SUBPIXEL, phases.problem(1, 4, 3, 3), false));
            cases.add(new Case(KernelChoice.SUBPIXEL, phases.problem(1, 4, 3, 3), true));
        }
        for (Case c : cases) {
            Problem q = c.problem();
            if (!FastKernels.all().contains(c.kernel())) {
                continue; // the vector kernels are off in this JVM
            }
            assertEquals(null, Planner.kernel(c.kernel()).declineReason(q), () -> c.kernel() + " on " + q);
            float[] w = TestData.smallInts(q.weightLength(), 61);
            if (c.nonFinite()) {
                w[1] = Float.NaN;
            }
            float[] b = q.spec().hasBias() ? TestData.smallInts(q.spec().outChannels(), 62) : null;
            long values = q.weightLength() + (b == null ? 0 : b.length);
            PackedWeights packed = Planner.pack(q.spec(), w, b);
            long before = packed.packedWeightBytes();
            Plan plan = Planner.plan(q, packed, c.kernel());
            long pack = packed.packedWeightBytes() - before;
            assertTrue(pack >= 4 * values, () -> c + ": the pack adds " + pack + " bytes for " + values + " values");
            assertTrue(plan.packedWeightBytes() >= 4 * values, () -> c + ": the plan reports " + plan.packedWeightBytes() + " bytes");
        }
    }
}
