package dev.convt;

import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.KernelGeometry;
import dev.convt.kernel.KernelPlan;
import dev.convt.kernel.KernelProvider;
import dev.convt.kernel.ReferenceKernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Makes {@link Plan}s: validates the buffers, chooses a kernel, and lets it prepack.
 *
 * <p>The kernels form an ordered list, as in oneDNN: those of every available
 * {@link KernelProvider} (found with {@link ServiceLoader}; the vector module provides the Vector
 * API kernels) in their own order, then the scalar {@link ReferenceKernel}, which accepts every
 * problem. {@link KernelChoice#AUTO} takes the first kernel whose
 * {@link Kernel#autoDeclineReason} is null; {@link #explain} lists every kernel with the reason it
 * declined.
 *
 * <p>Like Lucene's vectorization provider, vector kernels are used only where they can work: a
 * provider reports itself unavailable (for example when {@code jdk.incubator.vector} is not
 * readable), and the planner then runs on the scalar kernels and logs once how to enable the fast
 * path. {@code -Ddev.convt.vector=false} switches every provider off; {@code -Ddev.convt.verbose=true}
 * logs each automatic choice with the reasons of the kernels that declined.
 *
 * <p>Plans run on the calling thread alone ({@link Parallelism#serial()}). To run one plan on
 * several cores, give it a {@link Parallelism}: {@code Planner.plan(...).withParallelism(Parallelism.threads(4))}
 * (convt's own daemon workers) or {@code Parallelism.executor(enginePool, 4)} (the engine's
 * executor), or pass one per call to {@link Plan#execute(float[], int, float[], int, Parallelism)}.
 * Results are bit-identical at any thread count.
 *
 * <p>{@link #plan} warms the new plan's code paths before returning it (plan-time warm-up, on unless
 * {@code -Ddev.convt.warmup=false}), once per JVM for each distinct set of paths, and the first time a
 * family of layers comes, the paths of the whole family (see {@link Plan#warmUp} and the {@link Plan}
 * class comment), so the first execute runs near steady speed: the first plan of each kind of layer in
 * a JVM takes longer (up to about a second), later ones of the kind do not, and a fresh JVM's plans and
 * first executes together take less time than without warm-up (the {@link Plan} class comment).
 */
public final class Planner {
    private static final System.Logger LOG = System.getLogger("dev.convt");

    private Planner() {}

    /**
     * A kernel and whether it takes a problem: {@code reason} is null when it does.
     *
     * @param kernel the kernel's name
     * @param reason why it declines the problem, or null when it takes it
     */
    public record Decision(String kernel, String reason) {
        /** {@return whether the kernel takes the problem} */
        public boolean accepted() { return reason == null; }
    }

    private static final class Registry {
        static final List<Kernel> KERNELS;
        static final String UNAVAILABLE;

        static {
            List<Kernel> kernels = new ArrayList<>();
            List<String> off = new ArrayList<>();
            boolean vectorOn = !"false".equalsIgnoreCase(System.getProperty("dev.convt.vector", "true"));
            if (!vectorOn) {
                off.add("the vector kernels are switched off by -Ddev.convt.vector=false");
            } else {
                for (KernelProvider provider : ServiceLoader.load(KernelProvider.class, Planner.class.getClassLoader())) {
                    String why;
                    try {
                        why = provider.unavailableReason();
                        if (why == null) {
                            kernels.addAll(provider.kernels());
                        }
                    } catch (LinkageError | RuntimeException e) {
                        why = "loading failed: " + e;
                    }
                    if (why != null) {
                        off.add(provider.name() + " kernels unavailable: " + why);
                    }
                }
                if (kernels.isEmpty() && off.isEmpty()) {
                    off.add("no vector kernels on the class path (add convt-vector)");
                }
            }
            kernels.add(new ReferenceKernel());
            KERNELS = Collections.unmodifiableList(kernels);
            UNAVAILABLE = off.isEmpty() ? null : String.join("; ", off);
            if (UNAVAILABLE != null && vectorOn) {
                LOG.log(System.Logger.Level.WARNING, "convt runs on the scalar kernels only: " + UNAVAILABLE);
            }
        }
    }

    /** {@return the kernels in the order the automatic choice tries them (the reference last); unmodifiable} */
    public static List<Kernel> kernels() {
        return Registry.KERNELS;
    }

    /** {@return the names of the available kernels, in order} */
    public static List<String> kernelNames() {
        return Registry.KERNELS.stream().map(Kernel::name).toList();
    }

    /** {@return why the vector kernels are not in use (with how to enable them), or null if they are} */
    public static String vectorUnavailableReason() {
        return Registry.UNAVAILABLE;
    }

    /**
     * Every kernel's answer for the problem, in order: for the automatic choice when {@code auto}, else capability.
     *
     * @param problem the problem
     * @param auto    true for {@link Kernel#autoDeclineReason} (would the automatic choice take it),
     *                false for {@link Kernel#declineReason} (can it compute it at all)
     * @return one decision per kernel, in the planner's order
     */
    public static List<Decision> explain(Problem problem, boolean auto) {
        List<Decision> out = new ArrayList<>();
        for (Kernel k : Registry.KERNELS) {
            out.add(new Decision(k.name(), auto ? k.autoDeclineReason(problem) : k.declineReason(problem)));
        }
        return out;
    }

    /**
     * The kernel the automatic choice takes for a problem: the first that does not decline it.
     *
     * @param problem the problem
     * @return the kernel; the reference when every other declines
     */
    public static Kernel choose(Problem problem) {
        return choose(problem, Registry.KERNELS);
    }

    /** The first of {@code kernels} that the automatic choice takes for the problem; the list ends with the reference. */
    static Kernel choose(Problem problem, List<Kernel> kernels) {
        for (Kernel k : kernels) {
            if (k.autoDeclineReason(problem) == null) {
                if (Boolean.getBoolean("dev.convt.verbose")) {
                    LOG.log(System.Logger.Level.INFO, "convt: " + k.name() + " for " + problem + " (" + explain(problem, true) + ")");
                }
                return k;
            }
        }
        throw new AssertionError("the reference kernel accepts every problem");
    }

    /**
     * The named kernel, if available.
     *
     * @param choice a kernel, not {@link KernelChoice#AUTO}
     * @return the kernel of that name
     * @throws IllegalArgumentException      for {@link KernelChoice#AUTO}
     * @throws UnsupportedOperationException if the kernel is not available on this JVM (the message says why)
     */
    public static Kernel kernel(KernelChoice choice) {
        Objects.requireNonNull(choice, "choice");
        if (choice == KernelChoice.AUTO) {
            throw new IllegalArgumentException("AUTO names no single kernel; use choose(problem)");
        }
        for (Kernel k : Registry.KERNELS) {
            if (k.name().equals(choice.kernelName())) {
                return k;
            }
        }
        throw new UnsupportedOperationException("kernel '" + choice.kernelName() + "' is not available"
                + (Registry.UNAVAILABLE == null ? "" : " (" + Registry.UNAVAILABLE + ")")
                + "; available: " + kernelNames());
    }

    /**
     * {@link #plan(Problem, float[], int, float[], int, KernelChoice)} with the automatic choice.
     *
     * @param problem      the problem
     * @param weight       (Cin, Cout/groups, *kernel) row-major from {@code weightOffset}; copied/prepacked
     * @param weightOffset where the weights start in {@code weight}
     * @param bias         Cout values from {@code biasOffset}; must be null exactly when the spec has no bias
     * @param biasOffset   where the bias starts in {@code bias}
     * @return the plan
     * @throws IllegalArgumentException if a buffer is missing, too small, or at a negative offset
     */
    public static Plan plan(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return plan(problem, weight, weightOffset, bias, biasOffset, KernelChoice.AUTO);
    }

    /**
     * {@link #plan(Problem, float[], int, float[], int, KernelChoice)} with offsets 0 and the automatic choice.
     *
     * @param problem the problem
     * @param weight  (Cin, Cout/groups, *kernel) row-major from index 0; copied/prepacked
     * @param bias    Cout values from index 0; must be null exactly when the spec has no bias
     * @return the plan
     * @throws IllegalArgumentException if a buffer is missing or too small
     */
    public static Plan plan(Problem problem, float[] weight, float[] bias) {
        return plan(problem, weight, 0, bias, 0, KernelChoice.AUTO);
    }

    /**
     * Plans a problem.
     *
     * <p>An empty batch (N = 0) plans without prepacking: its plan writes the empty output and computes
     * nothing, as PyTorch and ONNX Runtime do.
     *
     * <p>Unless {@code -Ddev.convt.warmup=false}, the plan's code paths are warmed before it is returned
     * ({@link Plan#warmUp}): the first call in a JVM for a new kind of problem takes longer (the first
     * of a family of layers longest, as it warms the family's paths), and its first execute is near
     * steady speed. It also makes the calling thread's workspace ({@link Plan#prepareWorkspace()}) when it
     * is no larger than the problem's input and output together, whose
     * fresh pages would otherwise be faulted in by the first execute on this thread (other threads make
     * theirs at their first execute or their own {@code prepareWorkspace()}, or use a {@link Scratchpad}). A value of the property other than {@code true} or {@code false} throws
     * {@link IllegalArgumentException}.
     *
     * @param problem      the problem
     * @param weight       (Cin, Cout/groups, *kernel) row-major from {@code weightOffset}; copied/prepacked
     * @param weightOffset where the weights start in {@code weight}
     * @param bias         Cout values from {@code biasOffset}; must be null exactly when the spec has no bias
     * @param biasOffset   where the bias starts in {@code bias}
     * @param choice       {@link KernelChoice#AUTO}, or the kernel to use
     * @return the plan, {@link Parallelism#serial()} by default
     * @throws IllegalArgumentException      if a buffer is missing, too small, or at a negative offset, or
     *                                       the explicitly chosen kernel declines the problem (the message
     *                                       gives its reason; {@link #explain} lists every kernel's)
     * @throws UnsupportedOperationException if the chosen kernel is not available on this JVM
     */
    public static Plan plan(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset,
                            KernelChoice choice) {
        Objects.requireNonNull(problem, "problem");
        problem.checkWeight(weight, weightOffset);
        problem.checkBias(bias, biasOffset);
        Kernel k = kernelFor(problem, choice);
        if (problem.isEmpty()) {
            return new Plan(problem, k, EMPTY_BATCH);
        }
        return finish(problem, k, k.prepare(problem, weight, weightOffset, bias, biasOffset));
    }

    /**
     * Packs a layer's weights once for plans of every input shape (see {@link PackedWeights}): checks the
     * buffers against the spec and copies them; each kernel packs them on the first plan that needs its
     * layout ({@link #plan(Problem, PackedWeights)}).
     *
     * @param spec         the layer's hyper-parameters
     * @param weight       (Cin, Cout/groups, *kernel) row-major from {@code weightOffset}; copied, so it
     *                     may change afterwards
     * @param weightOffset where the weights start in {@code weight}
     * @param bias         Cout values from {@code biasOffset}; must be null exactly when the spec has no bias; copied
     * @param biasOffset   where the bias starts in {@code bias}
     * @return the packed weights, shareable by any threads
     * @throws NullPointerException     if {@code spec} is null, or {@code weight} is
     * @throws IllegalArgumentException if a buffer is missing, too small, or at a negative offset, or the bias
     *                                  is given for a spec without bias (nothing is allocated)
     */
    public static PackedWeights pack(ConvTransposeSpec spec, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        return PackedWeights.of(spec, weight, weightOffset, bias, biasOffset);
    }

    /**
     * {@link #pack(ConvTransposeSpec, float[], int, float[], int)} with offsets 0.
     *
     * @param spec   the layer's hyper-parameters
     * @param weight (Cin, Cout/groups, *kernel) row-major from index 0; copied
     * @param bias   Cout values from index 0; must be null exactly when the spec has no bias; copied
     * @return the packed weights
     * @throws NullPointerException     if {@code spec} is null, or {@code weight} is
     * @throws IllegalArgumentException if a buffer is missing or too small, or the bias is given for a spec without bias
     */
    public static PackedWeights pack(ConvTransposeSpec spec, float[] weight, float[] bias) {
        return PackedWeights.of(spec, weight, 0, bias, 0);
    }

    /**
     * Packs weights and bias held in memory segments (heap or native, e.g. a model file mapped with
     * {@code FileChannel.map}): as {@link #pack(ConvTransposeSpec, float[], int, float[], int)}. The
     * segments are read once, here, into the packed weights' own copy, and may be freed afterwards.
     * Floats are {@link java.lang.foreign.ValueLayout#JAVA_FLOAT} (native byte order); slice a segment
     * ({@link MemorySegment#asSlice}) to start elsewhere.
     *
     * @param spec   the layer's hyper-parameters
     * @param weight (Cin, Cout/groups, *kernel) row-major from byte 0
     * @param bias   Cout values from byte 0; must be null exactly when the spec has no bias
     * @return the packed weights, shareable by any threads
     * @throws NullPointerException     if {@code spec} or the weight segment is null
     * @throws IllegalArgumentException if a segment is missing, too small or not 4-byte aligned, or the bias is
     *                                  given for a spec without bias (nothing is packed)
     * @throws IllegalStateException    if a segment's arena is closed
     * @throws WrongThreadException     if a segment is confined to another thread
     */
    public static PackedWeights pack(ConvTransposeSpec spec, MemorySegment weight, MemorySegment bias) {
        java.util.Objects.requireNonNull(spec, "spec");
        SegmentChecks.check("weight", weight, 0, spec.weightLength(), spec, false);
        if (bias != null && spec.hasBias()) {
            SegmentChecks.check("bias", bias, 0, spec.outChannels(), spec, false);
        }
        float[] w = weight.asSlice(0, (long) Float.BYTES * spec.weightLength()).toArray(ValueLayout.JAVA_FLOAT);
        float[] b = bias == null ? null : spec.hasBias()
                ? bias.asSlice(0, (long) Float.BYTES * spec.outChannels()).toArray(ValueLayout.JAVA_FLOAT)
                : new float[0]; // rejected by the bias check with the array rule's message
        return PackedWeights.of(spec, w, 0, b, 0);
    }

    /**
     * {@link #plan(Problem, PackedWeights, KernelChoice)} with the automatic choice.
     *
     * @param problem the problem, whose spec is the packed weights' (up to output_padding)
     * @param packed  the layer's packed weights
     * @return the plan
     * @throws IllegalArgumentException if the problem's spec is not the packed weights' (beyond output_padding)
     */
    public static Plan plan(Problem problem, PackedWeights packed) {
        return plan(problem, packed, KernelChoice.AUTO);
    }

    /**
     * Plans a problem over packed weights: the cheap per-shape step (XNNPACK's reshape). The chosen
     * kernel's pack is shared with every other plan of these weights that uses the same layout; the
     * first plan that needs a layout packs it (at most once, see {@link PackedWeights}). For an input
     * shape planned recently, a new batch size reuses that shape's kernel tables and the automatic
     * choice's short list of kernels (see "Input shapes" in {@link PackedWeights}). The plan behaves
     * as one made by {@link #plan(Problem, float[], int, float[], int, KernelChoice)} with the weights
     * {@code packed} was made from, bit for bit.
     *
     * @param problem the problem, whose spec is the packed weights' (up to output_padding)
     * @param packed  the layer's packed weights
     * @param choice  {@link KernelChoice#AUTO}, or the kernel to use
     * @return the plan, {@link Parallelism#serial()} by default
     * @throws IllegalArgumentException      if the problem's spec is not the packed weights' (beyond
     *                                       output_padding), or the explicitly chosen kernel declines the
     *                                       problem (nothing is packed)
     * @throws UnsupportedOperationException if the chosen kernel is not available on this JVM
     */
    public static Plan plan(Problem problem, PackedWeights packed, KernelChoice choice) {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(packed, "packed");
        Objects.requireNonNull(choice, "choice");
        Plan newBatch = newBatch(problem, packed, choice);
        if (newBatch != null) {
            return newBatch;
        }
        packed.checkSpec(problem);
        if (problem.isEmpty()) {
            return new Plan(problem, kernelFor(problem, choice), EMPTY_BATCH);
        }
        PackedWeights.Shape shape = packed.shape(problem);
        Kernel k = choice == KernelChoice.AUTO ? shape.choose(problem) : kernelFor(problem, choice);
        KernelPlan kernelPlan = shape.plan(k, problem);
        // kept for the new-batch path only when no kernel comes before it in the automatic choice
        // (an earlier one that declined this batch might take another); the geometry, not the plan:
        // the plan returned makes per-thread workspaces, which the weights must not keep alive
        KernelGeometry geometry = choice != KernelChoice.AUTO || shape.isFirstCandidate(k) ? shape.geometry(k, problem) : null;
        if (geometry != null) {
            packed.remember(new PackedWeights.Recent(problem, k, choice, geometry));
        }
        return finish(problem, k, kernelPlan);
    }

    /**
     * The plan of a problem that differs from the last one planned over these weights in its batch size
     * alone, made from that plan's kernel geometry: the same kernel, which the same choice
     * takes again when it accepts the new batch (see {@link #plan(Problem, PackedWeights, KernelChoice)}
     * for when it is remembered); or null to plan the problem the general way. An engine that meets a
     * new batch size replans every layer it has; this path keeps to the code a new batch needs, which
     * runs cold between the layers' other work.
     */
    private static Plan newBatch(Problem problem, PackedWeights packed, KernelChoice choice) {
        PackedWeights.Recent last = packed.recent();
        if (last == null || last.choice() != choice || problem.spec() != last.problem().spec() || problem.isEmpty()
                || !last.problem().sameGeometry(problem)) {
            return null;
        }
        Kernel k = last.kernel();
        if ((choice == KernelChoice.AUTO ? k.autoDeclineReason(problem) : k.declineReason(problem)) != null) {
            return null;
        }
        return finish(problem, k, last.geometry().plan(problem));
    }

    /** The kernel the choice names for the problem, or the automatic one; an explicit kernel that declines throws. */
    private static Kernel kernelFor(Problem problem, KernelChoice choice) {
        if (choice == KernelChoice.AUTO) {
            return choose(problem);
        }
        Kernel k = kernel(choice);
        String why = k.declineReason(problem);
        if (why != null) {
            throw new IllegalArgumentException("kernel '" + k.name() + "' declines " + problem + ": " + why);
        }
        return k;
    }

    /** The plan around a kernel's plan of a non-empty problem, warmed when plan-time warm-up is on. */
    private static Plan finish(Problem problem, Kernel k, KernelPlan kernelPlan) {
        boolean warm = WarmUp.enabled();
        Plan plan = new Plan(problem, k, separateActivation(problem, k, kernelPlan));
        if (warm) {
            plan.warmUpAtPlanTime();
        }
        return plan;
    }

    /**
     * {@link #plan(Problem, MemorySegment, MemorySegment, KernelChoice)} on the automatic kernel.
     *
     * @param problem the problem
     * @param weight  (Cin, Cout/groups, *kernel) row-major from byte 0, native byte order; read once into the plan
     * @param bias    Cout values from byte 0; must be null exactly when the spec has no bias
     * @return the plan
     * @throws IllegalArgumentException as {@link #plan(Problem, MemorySegment, MemorySegment, KernelChoice)}
     */
    public static Plan plan(Problem problem, MemorySegment weight, MemorySegment bias) {
        return plan(problem, weight, bias, KernelChoice.AUTO);
    }

    /**
     * Plans from weights and bias in memory segments (heap or native, e.g. a model file mapped with
     * {@code FileChannel.map}): as {@link #plan(Problem, float[], int, float[], int, KernelChoice)}. The
     * plan packs its own copy of the weights anyway, so the segments are read once, here, and may be
     * freed afterwards. Floats are {@link java.lang.foreign.ValueLayout#JAVA_FLOAT} (native byte order);
     * slice a segment ({@link MemorySegment#asSlice}) to start elsewhere.
     *
     * @param problem the problem
     * @param weight  (Cin, Cout/groups, *kernel) row-major from byte 0
     * @param bias    Cout values from byte 0; must be null exactly when the spec has no bias
     * @param choice  {@link KernelChoice#AUTO}, or the kernel to use
     * @return the plan, {@link Parallelism#serial()} by default
     * @throws NullPointerException          if the weight segment is null
     * @throws IllegalArgumentException      if a segment is missing, too small, not 4-byte aligned, or the bias is
     *                                       given without bias (or missing with it), or the chosen kernel declines
     * @throws IllegalStateException         if a segment's arena is closed
     * @throws WrongThreadException          if a segment is confined to another thread
     * @throws UnsupportedOperationException if the chosen kernel is not available on this JVM
     */
    public static Plan plan(Problem problem, MemorySegment weight, MemorySegment bias, KernelChoice choice) {
        SegmentChecks.check("weight", weight, 0, problem.weightLength(), problem, false);
        if (bias != null && problem.spec().hasBias()) {
            SegmentChecks.check("bias", bias, 0, problem.spec().outChannels(), problem, false);
        }
        float[] w = weight.asSlice(0, (long) Float.BYTES * problem.weightLength()).toArray(ValueLayout.JAVA_FLOAT);
        float[] b = bias == null ? null : problem.spec().hasBias()
                ? bias.asSlice(0, (long) Float.BYTES * problem.spec().outChannels()).toArray(ValueLayout.JAVA_FLOAT)
                : new float[0]; // rejected by the bias check with the array rule's message
        return plan(problem, w, 0, b, 0, choice);
    }

    /**
     * The kernel's plan, followed by a scalar pass of the spec's activation over the whole output when
     * the kernel does not fuse it ({@link Kernel#fusesActivation}); such a plan runs on the calling thread.
     */
    private static KernelPlan separateActivation(Problem problem, Kernel kernel, KernelPlan plan) {
        Activation act = problem.spec().activation();
        if (act.isNone() || kernel.fusesActivation()) {
            return plan;
        }
        int length = problem.outputLength();
        return new KernelPlan() {
            @Override
            public void execute(float[] x, int xOffset, float[] y, int yOffset, Object workspace) {
                plan.execute(x, xOffset, y, yOffset, workspace);
                act.apply(y, yOffset, yOffset + length);
            }

            @Override
            public Object newWorkspace() { return plan.newWorkspace(); }

            @Override
            public void prepareWorkspace() { plan.prepareWorkspace(); }

            @Override
            public long workspaceBytes() { return plan.workspaceBytes(); }

            @Override
            public long packedWeightBytes() { return plan.packedWeightBytes(); }
        };
    }

    /** The plan of an empty batch: no packed weights, no workspace, nothing to compute. */
    private static final KernelPlan EMPTY_BATCH = (x, xOffset, y, yOffset, workspace) -> { };
}
