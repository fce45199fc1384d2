package dev.convt;

import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.KernelGeometry;
import dev.convt.kernel.KernelPack;
import dev.convt.kernel.KernelPlan;
import dev.convt.kernel.SourceWeights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The weights and bias of one layer, packed once for the kernels and shared by the plans of every input
 * shape: XNNPACK's create (pack the weights) apart from its reshape (a new batch or spatial size).
 * Made by {@link Planner#pack}; a plan for any input shape of the layer is then cheap
 * ({@link #plan(int...)}, {@link Planner#plan(Problem, PackedWeights)}): it makes the kernel's tables
 * and workspace sizes for that shape and reads the packed weights in place, without repacking them;
 * a new batch size of an input shape planned recently is cheaper still (see "Input shapes").
 *
 * <pre>{@code
 * PackedWeights packed = Planner.pack(spec, weight, 0, bias, 0);   // once per layer
 * Plan b16 = packed.plan(16, 512, 4, 4);                           // per input shape: cheap
 * Plan b1  = Planner.plan(spec.problem(1, 512, 4, 4), packed);     // the same, through the planner
 * }</pre>
 *
 * <h2>Packs</h2>
 * Each kernel has its own packed layout (the im2col GEMM's weight panels, the direct scatter's tap
 * order, the sub-pixel kernel's phase matrix, and the one-GEMM projection of a single-position input
 * has another), and the automatic choice may pick a different kernel for a different shape. So the
 * packs are made lazily: the first plan that needs a kernel's layout packs it, at most once per layout
 * even when many threads plan at once (the others wait for it), and every later plan of that layout
 * shares it. Kernels that pack nothing (the scalar reference) read the copy of the caller's weights
 * this object keeps.
 *
 * <h2>Input shapes</h2>
 * What a plan takes from its input's spatial shape alone (XNNPACK's reshape work that does not depend
 * on the batch: the kernel's {@link KernelGeometry}, e.g. the scatter kernel's phase and output-row
 * tables, im2col's col2im ranges, the sub-pixel kernel's phase tables; and which kernels the automatic
 * choice may take, {@link Kernel#shapeDeclineReason}) is kept for the last {@value #MAX_SHAPES} input
 * shapes planned (spatial sizes, layout and output_padding; the batch is not part of it), so a plan
 * for a new batch size of such a shape makes only its batch's part: the automatic choice among those
 * kernels, the blocking and workspace sizes, its per-thread workspace holder. A shape beyond the last
 * {@value #MAX_SHAPES} is planned from scratch and replaces the oldest kept one. Each kept shape holds
 * tables proportional to its output rows and kernel taps ({@link #geometryBytes()} reports them; for
 * the sub-pixel kernel with non-finite weights, also im2col's pack of them for that shape). Plans of
 * any shape and batch are bit for bit those {@link Planner#plan(Problem, float[], float[])} makes.
 *
 * <p>The commonest case, a new batch size of the input shape planned last (with the same spec object
 * and kernel choice), is shorter still: the plan is made from that shape's kernel geometry directly,
 * without looking the shape up or choosing the kernel again, keeping the last plan's kernel when the
 * kernel accepts the new batch and no other kernel comes before it in the automatic choice. An engine
 * that meets a new batch size replans each layer once, between the layers' other work, so this path
 * runs with little of its code or data in the caches; it keeps to what a new batch needs. This object
 * keeps the last such plan's problem and a reference to the geometry (no plan, so no workspace).
 *
 * <h2>Threads</h2>
 * Immutable to callers and thread-safe: any thread may plan from it at any time, and the plans made
 * from it may execute at once on any threads (each plan keeps its own per-thread workspace, as a plan
 * made by {@link Planner#plan(Problem, float[], float[])} does). The kept input shapes are read without
 * a lock and replaced under this object's lock; their geometries are immutable.
 *
 * <h2>Memory and lifetime</h2>
 * It keeps a copy of the caller's weights and bias (so the caller's arrays may change or be reused
 * afterwards; plans from this object never see such changes), plus each pack made so far:
 * {@link #packedWeightBytes()} reports the total now; plus the tables of the kept input shapes
 * ({@link #geometryBytes()}). Plans made from it refer to it and its packs;
 * it is freed by the garbage collector once neither it nor any of its plans is reachable. To change
 * the weights, make a new one.
 *
 * <h2>Specs</h2>
 * A plan's problem must have this object's spec, except for {@code output_padding}, which no pack
 * depends on (PyTorch's {@code forward(x, output_size)} chooses it per call, see
 * {@link Problem#withOutputSize}); any other difference is rejected with an
 * {@link IllegalArgumentException} before anything is packed.
 */
public final class PackedWeights {
    private final ConvTransposeSpec spec;
    private final SourceWeights source;
    /** One slot per kernel and packed layout ({@code "im2col/gemm-a"}), filled at most once. */
    private final ConcurrentHashMap<String, Slot> packs = new ConcurrentHashMap<>();
    private final AtomicInteger packsMade = new AtomicInteger();

    /** Takes ownership of the copies (nobody else holds them). */
    private PackedWeights(ConvTransposeSpec spec, float[] weightCopy, float[] biasCopy) {
        this.spec = spec;
        this.source = new SourceWeights(weightCopy, biasCopy);
    }

    /** Checks the buffers against the spec, then copies them (see {@link Planner#pack}). */
    static PackedWeights of(ConvTransposeSpec spec, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        Objects.requireNonNull(spec, "spec");
        Problem.checkWeight(spec, weight, weightOffset);
        Problem.checkBias(spec, bias, biasOffset);
        float[] w = Arrays.copyOfRange(weight, weightOffset, weightOffset + spec.weightLength());
        float[] b = bias == null ? null : Arrays.copyOfRange(bias, biasOffset, biasOffset + spec.outChannels());
        return new PackedWeights(spec, w, b);
    }

    /** {@return the spec the weights belong to} */
    public ConvTransposeSpec spec() { return spec; }

    /**
     * The bytes held now: the copy of the weights and bias, plus every kernel pack made so far (each
     * counted once, however many plans share it). Grows when a plan needs a layout not packed before.
     *
     * @return the bytes of weights this object keeps
     */
    public long packedWeightBytes() {
        long bytes = source.packedWeightBytes();
        for (Slot slot : packs.values()) {
            KernelPack pack = slot.pack;
            if (pack != null) {
                bytes += pack.packedWeightBytes();
            }
        }
        return bytes;
    }

    /**
     * The packed layouts made so far, as {@code kernel/layout} (for example {@code "im2col/gemm-a"}),
     * sorted; kernels that pack nothing do not appear.
     *
     * @return a new sorted list
     */
    public List<String> packLayouts() {
        List<String> out = new ArrayList<>();
        packs.forEach((key, slot) -> {
            if (slot.pack != null) {
                out.add(key);
            }
        });
        out.sort(null);
        return out;
    }

    /**
     * How many times a kernel has packed these weights: equal to {@code packLayouts().size()}, since
     * each layout is packed at most once (a diagnostic, and what the tests check). A packing call that
     * throws counts too; its layout stays unpacked, and the next plan that needs it tries again.
     *
     * @return the number of packing calls made
     */
    public int packsMade() { return packsMade.get(); }

    /**
     * A plan for an input of the given shape, with the automatic kernel choice: {@link Planner#plan(Problem, PackedWeights)}
     * of {@code spec().problem(inputShape)}.
     *
     * @param inputShape {@code (N, Cin, *spatial)} or {@code (Cin, *spatial)}
     * @return the plan, sharing this object's packs
     * @throws IllegalArgumentException if the shape has the wrong rank or channel count, or the output
     *                                  would be empty or too large
     */
    public Plan plan(int... inputShape) {
        return Planner.plan(spec.problem(inputShape), this);
    }

    /**
     * Checks that a problem may be planned from these weights: its spec is this one up to output_padding.
     *
     * @throws IllegalArgumentException naming both specs
     */
    void checkSpec(Problem problem) {
        if (problem.spec() != spec && !sameUpToOutputPadding(spec, problem.spec())) {
            throw new IllegalArgumentException("packed weights: the weights were packed for " + spec
                    + ", but the problem's spec is " + problem.spec() + " (only output_padding may differ)");
        }
    }

    private static boolean sameUpToOutputPadding(ConvTransposeSpec a, ConvTransposeSpec b) {
        return a.rank() == b.rank() && a.inChannels() == b.inChannels() && a.outChannels() == b.outChannels()
                && a.groups() == b.groups() && a.hasBias() == b.hasBias()
                && Arrays.equals(a.kernelSize(), b.kernelSize()) && Arrays.equals(a.stride(), b.stride())
                && Arrays.equals(a.padBegin(), b.padBegin()) && Arrays.equals(a.padEnd(), b.padEnd())
                && Arrays.equals(a.dilation(), b.dilation()) && a.activation().equals(b.activation());
    }

    /** The kernel's pack for a problem (checked by {@link #checkSpec}, accepted by the kernel): shared, made at most once per layout. */
    private KernelPack kernelPack(Kernel kernel, Problem problem) {
        String layout = kernel.packLayout(problem);
        if (layout == null) {
            return source;
        }
        Slot slot = packs.computeIfAbsent(kernel.name() + "/" + layout, key -> new Slot());
        return slot.get(kernel, problem, this);
    }

    /**
     * The batch-free planning of a problem's input shape (checked by {@link #checkSpec}, not empty): found
     * among the {@value #MAX_SHAPES} input shapes planned last, or made and kept in place of the oldest.
     * Reads take no lock; a new shape is added under this object's lock (two threads that meet a new
     * shape at once may both make its entry; one is kept, and either plans the same).
     */
    Shape shape(Problem problem) {
        for (Shape s : shapes) {
            if (s.problem.sameGeometry(problem)) {
                return s;
            }
        }
        Shape made = new Shape(problem);
        synchronized (this) {
            Shape[] now = shapes;
            for (Shape s : now) {
                if (s.problem.sameGeometry(problem)) {
                    return s;
                }
            }
            int keep = Math.min(now.length, MAX_SHAPES - 1);
            Shape[] next = Arrays.copyOfRange(now, now.length - keep, now.length + 1);
            next[keep] = made;
            shapes = next;
        }
        return made;
    }

    /**
     * The input shapes whose geometry is kept: at most this many (each a few tables along the shape's
     * axes), so an engine that meets many input sizes keeps memory bounded and recomputes the geometry
     * of a shape it has not planned recently.
     */
    static final int MAX_SHAPES = 8;

    /**
     * The last plan {@link Planner} made over these weights through a kernel geometry: the problem, the
     * kernel, the choice that took it and the geometry (shared with the shape's entry; it holds no
     * workspace), from which a plan of another batch size of that shape is made. Immutable.
     */
    record Recent(Problem problem, Kernel kernel, KernelChoice choice, KernelGeometry geometry) {}

    /** The last plan remembered, or null; replaced whole, without a lock (any recent plan will do). */
    private volatile Recent recent;

    Recent recent() {
        return recent;
    }

    void remember(Recent last) {
        recent = last;
    }

    /** The kept input shapes, oldest first; replaced whole under this object's lock. */
    private volatile Shape[] shapes = new Shape[0];

    /**
     * The bytes of the kernels' tables kept for the input shapes planned last (at most
     * {@value #MAX_SHAPES} shapes; see "Input shapes" in the class comment), beside
     * {@link #packedWeightBytes()}.
     *
     * @return the bytes of the kept geometries' tables
     */
    public long geometryBytes() {
        long bytes = 0;
        for (Shape s : shapes) {
            for (int i = 0; i < s.geometries.length(); i++) {
                KernelGeometry g = s.geometries.get(i);
                bytes += g == null ? 0 : g.tableBytes();
            }
        }
        return bytes;
    }

    /**
     * One input shape (spatial sizes, layout, output_padding) of this spec: the kernels the automatic
     * choice may take for it, found once (those whose {@link Kernel#shapeDeclineReason} is null), and
     * each kernel's geometry over its pack, made by the first plan that needs it.
     */
    final class Shape {
        /** The problem the shape was made for (its batch is the first one planned; any other shares the entry). */
        final Problem problem;
        private final List<Kernel> candidates;
        /** Per kernel of {@link Planner#kernels()}, its geometry for this shape, or null until made. */
        private final AtomicReferenceArray<KernelGeometry> geometries;

        private Shape(Problem problem) {
            this.problem = problem;
            List<Kernel> all = Planner.kernels();
            List<Kernel> take = new ArrayList<>(all.size());
            for (Kernel k : all) {
                if (k.shapeDeclineReason(problem) == null) {
                    take.add(k);
                }
            }
            candidates = List.copyOf(take);
            geometries = new AtomicReferenceArray<>(all.size());
        }

        /** Whether the kernel is the first the automatic choice tries for this shape. */
        boolean isFirstCandidate(Kernel kernel) {
            return !candidates.isEmpty() && candidates.get(0) == kernel;
        }

        /** The automatic choice for a problem of this shape: {@link Planner#choose} over the kernels that may take it. */
        Kernel choose(Problem q) {
            return Planner.choose(q, candidates);
        }

        /** The kernel's plan of a problem of this shape (the kernel accepts it), from the kernel's geometry. */
        KernelPlan plan(Kernel kernel, Problem q) {
            KernelGeometry g = geometry(kernel, q);
            return g != null ? g.plan(q) : kernel.plan(q, kernelPack(kernel, q));
        }

        /**
         * The kernel's geometry for this shape (the kernel accepts {@code q}), made by the first plan that
         * needs it; null for a kernel outside {@link Planner#kernels()}, which plans from its pack.
         */
        KernelGeometry geometry(Kernel kernel, Problem q) {
            int i = Planner.kernels().indexOf(kernel);
            if (i < 0) {
                return null;
            }
            KernelGeometry g = geometries.get(i);
            if (g == null) {
                g = Objects.requireNonNull(kernel.geometry(q, kernelPack(kernel, q)),
                        () -> "kernel '" + kernel.name() + "' made a null geometry");
                if (!geometries.compareAndSet(i, null, g)) {
                    g = geometries.get(i);
                }
            }
            return g;
        }
    }

    /** Whether these are the weights and bias given (the layer classes' check that their live weights are unchanged). */
    boolean holds(float[] weight, float[] bias) {
        return Arrays.equals(source.weight(), weight) && Arrays.equals(source.bias(), bias);
    }

    /** One kernel layout's pack: made by the first caller, under the slot's lock, while the others wait. */
    private static final class Slot {
        private volatile KernelPack pack;

        KernelPack get(Kernel kernel, Problem problem, PackedWeights owner) {
            KernelPack p = pack;
            if (p != null) {
                return p;
            }
            synchronized (this) {
                if (pack == null) {
                    SourceWeights s = owner.source;
                    owner.packsMade.incrementAndGet();
                    pack = Objects.requireNonNull(kernel.pack(problem, s.weight(), 0, s.bias(), 0),
                            () -> "kernel '" + kernel.name() + "' made a null pack");
                }
                return pack;
            }
        }
    }

    /** {@return the spec and the packed layouts made so far} */
    @Override
    public String toString() {
        return "PackedWeights[" + spec + ", packs " + packLayouts() + "]";
    }

    /**
     * The plan of an explicit kernel from these weights (see {@link Planner#plan(Problem, PackedWeights, KernelChoice)}).
     *
     * @param problem the problem, of this spec up to output_padding
     * @param choice  {@link KernelChoice#AUTO}, or the kernel to use
     * @return the plan
     * @throws IllegalArgumentException      if the problem's spec differs, or the chosen kernel declines it
     * @throws UnsupportedOperationException if the chosen kernel is not available on this JVM
     */
    public Plan plan(Problem problem, KernelChoice choice) {
        return Planner.plan(problem, this, choice);
    }
}
