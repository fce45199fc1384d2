package dev.convt.kernel;

import dev.convt.Problem;

import java.util.List;

/**
 * One implementation of transposed convolution. Kernels are stateless; {@link #prepare} makes a
 * {@link KernelPlan} that owns prepacked weights and workspace for one {@link Problem}.
 *
 * <p>Planning is two steps, as XNNPACK's create / reshape: {@link #pack} packs the weights in a way
 * that depends on the spec alone (one {@link KernelPack} per {@link #packLayout}, shared by every input
 * shape through {@link dev.convt.PackedWeights}), and {@link #plan(Problem, KernelPack)} makes the cheap
 * per-shape rest (tables, workspace sizes). {@link #prepare} is both at once. A kernel that packs
 * nothing implements {@link #prepare} alone: its {@link #packLayout} is null and the default
 * {@link #plan(Problem, KernelPack)} prepares from the {@link SourceWeights}. The per-shape step
 * itself splits in two, as XNNPACK's reshape is meant to be cheap for a new batch size: a
 * {@link KernelGeometry} ({@link #geometry}) holds what depends on the input's spatial shape alone,
 * and makes the plan of each batch size; with {@link #shapeDeclineReason}, a kernel lets
 * {@link dev.convt.PackedWeights} skip it, once per input shape, in the automatic choice.
 *
 * <p>Implementations are found by name (lower case, e.g. {@code "reference"}, {@code "im2col"},
 * {@code "scatter"}) and tried in order by {@link dev.convt.Planner} (oneDNN's implementation list):
 * the first that accepts a problem wins, and one that declines says why.
 */
public interface Kernel {
    /** {@return the kernel's name, lower case, as used by {@link KernelChoice} and the bench runner} */
    String name();

    /**
     * Why this kernel cannot compute the problem at all, or {@code null} if it can. A kernel that
     * accepts must then meet the numerics contract of {@link dev.convt.Plan} (bitwise equal to the
     * reference on exactly representable data, including the sign of zero, with no activation or an
     * exact one), and its plan's memory
     * ({@link KernelPlan#packedWeightBytes()} + {@link KernelPlan#workspaceBytes()}, which must be the
     * truth) and planning time must stay proportional to the problem's data (input, output and
     * weights), never to a stride, dilation or pad alone: a kernel declines, with the reason, a
     * problem it cannot plan within that or whose index arithmetic would leave its integer range.
     * A kernel chosen explicitly that declines makes {@link dev.convt.Planner#plan} throw an
     * {@link IllegalArgumentException} with this reason.
     *
     * @param problem a valid problem (its spec and shapes already checked)
     * @return the reason, a sentence naming the parameter that breaks the rule, or {@code null} to accept
     */
    String declineReason(Problem problem);

    /**
     * Whether this kernel's plans apply the spec's {@link dev.convt.Activation} themselves (in their
     * output stage, in {@link KernelPlan#execute} and in every task of {@link KernelPlan#tasks}).
     * The planner gives a kernel that does not (the default) a separate scalar pass over the output
     * after it, so a kernel that knows nothing of activations still computes them correctly, only
     * without fusion (and on the calling thread alone when the spec has an activation).
     *
     * @return whether the plans apply the activation themselves; false by default
     */
    default boolean fusesActivation() { return false; }

    /**
     * Whether this kernel's plan for the problem reads the input in the problem's
     * {@link Problem#layout()} itself. When it does not (the default, for every layout but
     * {@link dev.convt.Layout#CHANNELS_FIRST}), the {@link dev.convt.Plan} transposes the caller's input
     * into a channels-first staging buffer of its own first and gives the kernel that; the kernel then
     * reads channels-first whatever the problem says. The answer must not change between calls.
     *
     * @param problem a problem this kernel accepts
     * @return whether {@link KernelPlan#execute} and its tasks read {@code x} in {@code problem.layout()}
     */
    default boolean readsLayout(Problem problem) {
        return problem.layout() == dev.convt.Layout.CHANNELS_FIRST;
    }

    /**
     * Whether this kernel's plan for the problem writes the output in the problem's
     * {@link Problem#layout()} itself. When it does not (the default, for every layout but
     * {@link dev.convt.Layout#CHANNELS_FIRST}), the kernel writes channels-first into a staging buffer
     * of the {@link dev.convt.Plan}, which transposes it into the caller's output afterwards.
     *
     * @param problem a problem this kernel accepts
     * @return whether {@link KernelPlan#execute} and its tasks write {@code y} in {@code problem.layout()}
     */
    default boolean writesLayout(Problem problem) {
        return problem.layout() == dev.convt.Layout.CHANNELS_FIRST;
    }

    /**
     * The block transpose the layout stage around this kernel's plans moves channels-last data with
     * (the caller's input into channels-first staging, the staged output into the caller's), or
     * {@code null} (the default) for the stage's own scalar tiles. Only the speed of the stage
     * depends on it: a transpose moves values, so the results are the same bits either way.
     *
     * @return the transpose, or {@code null}
     */
    default BlockTranspose layoutTranspose() {
        return null;
    }

    /**
     * Why the automatic choice should skip this kernel for the problem (it can, but another is
     * expected to be faster), or {@code null} to take it. Defaults to {@link #declineReason}.
     *
     * @param problem a valid problem
     * @return the reason, or {@code null} to take the problem in the automatic choice
     */
    default String autoDeclineReason(Problem problem) {
        return declineReason(problem);
    }

    /**
     * Prepares a plan: prepacks the weights, sizes the workspace. Called only for a problem the kernel
     * accepts, with buffers already checked against the problem's shapes.
     *
     * @param problem      the problem, one this kernel accepts
     * @param weight       (Cin, Cout/groups, *kernel) from {@code weightOffset}
     * @param weightOffset where the weights start in {@code weight}
     * @param bias         Cout values from {@code biasOffset}, or null when the spec has no bias
     * @param biasOffset   where the bias starts in {@code bias}
     * @return a plan that keeps its own copy of whatever it needs of the weights and bias (the caller's
     *         arrays may change afterwards)
     */
    KernelPlan prepare(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset);

    /**
     * Which packed layout of the weights a plan of this problem reads, or {@code null} when the kernel
     * packs nothing (the default): then {@link dev.convt.PackedWeights} hands {@link #plan(Problem, KernelPack)}
     * its {@link SourceWeights}. Problems of one spec with equal layouts share one {@link #pack}, so the
     * layout must name everything of the problem that the pack depends on beyond the spec (for example
     * im2col's one-GEMM projection packs the weights as the GEMM's other operand); it must not depend
     * on the problem's batch.
     *
     * @param problem a problem this kernel accepts
     * @return a short name of the layout ({@code "gemm-a"}), or null when the kernel packs nothing
     */
    default String packLayout(Problem problem) { return null; }

    /**
     * Packs the weights and bias for every problem of {@code problem}'s spec (up to output_padding)
     * with the same {@link #packLayout}: the result depends on the spec and that layout only, never on
     * the batch or the spatial size. Called only when {@link #packLayout} is not null; at most once per
     * layout by {@link dev.convt.PackedWeights}.
     *
     * @param problem      a problem this kernel accepts, standing for every problem of its layout
     * @param weight       (Cin, Cout/groups, *kernel) from {@code weightOffset}
     * @param weightOffset where the weights start in {@code weight}
     * @param bias         Cout values from {@code biasOffset}, or null when the spec has no bias
     * @param biasOffset   where the bias starts in {@code bias}
     * @return an immutable pack that keeps its own copy of what it needs (the arrays may change afterwards)
     * @throws UnsupportedOperationException if this kernel packs nothing (the default)
     */
    default KernelPack pack(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
        throw new UnsupportedOperationException("kernel '" + name() + "' packs no weights (its packLayout is null)");
    }

    /**
     * The per-shape step: a plan of {@code problem} over a pack made by {@link #pack} for a problem of
     * the same spec (up to output_padding) and {@link #packLayout}, or over the {@link SourceWeights}
     * when the layout is null. Must not repack the weights (its cost is the plan's tables and sizes, not
     * the weights) and must not write the pack. The default, for kernels that pack nothing, is
     * {@link #prepare} on the source weights.
     *
     * @param problem a problem this kernel accepts, with its spec's weights in {@code pack}
     * @param pack    the pack of the problem's layout, or {@link SourceWeights} for a null layout
     * @return the plan, sharing the pack
     */
    default KernelPlan plan(Problem problem, KernelPack pack) {
        SourceWeights source = (SourceWeights) pack;
        return prepare(problem, source.weight(), 0, source.bias(), 0);
    }

    /**
     * The batch-free part of the plans of {@code problem}'s input shape over {@code pack}: made once per
     * input shape by {@link dev.convt.PackedWeights}, which then asks it for the plan of each batch size
     * ({@link KernelGeometry#plan}). It may depend on the spec, the pack, the input's spatial shape and
     * the layout, never on the batch. The default makes nothing ahead: its plans are
     * {@link #plan(Problem, KernelPack)} of each problem. A kernel that overrides it should make
     * {@link #plan(Problem, KernelPack)} {@code geometry(problem, pack).plan(problem)}, so both paths
     * run the same code.
     *
     * @param problem a problem this kernel accepts, standing for every batch size of its input shape
     * @param pack    the pack of the problem's layout, or {@link SourceWeights} for a null layout
     * @return the geometry, immutable and shareable
     */
    default KernelGeometry geometry(Problem problem, KernelPack pack) {
        return q -> plan(q, pack);
    }

    /**
     * Why the automatic choice skips this kernel for every problem that differs from {@code problem} in
     * its batch size alone (a reason its spec, input shape and layout decide), or {@code null} when the
     * batch may matter or the kernel may take them. A non-null answer must imply a non-null
     * {@link #autoDeclineReason} for each such problem: {@link dev.convt.PackedWeights} asks it once per
     * input shape and then tries only the kernels that answered null, with {@link #autoDeclineReason},
     * for each batch size. The default, {@code null}, keeps every batch size's choice to
     * {@link #autoDeclineReason} alone.
     *
     * @param problem a valid problem
     * @return the reason, or {@code null}
     */
    default String shapeDeclineReason(Problem problem) {
        return null;
    }

    /**
     * Small problems whose plans, executed on scratch data, walk the code paths a plan of
     * {@code problem} will take (micro-kernel variants, tails), so that the planner can have the JIT
     * compile them before the first real execute (see {@link dev.convt.Plan#warmUp}); warmed in this
     * order; empty when this kernel needs no warm-up. Only proxies this kernel accepts
     * ({@link #declineReason} null) are run.
     *
     * <p>Make them as cheap per kernel call as the paths allow: HotSpot compiles a method with C2 once
     * its call and loop counters pass thresholds, and until then every vector operation runs the
     * Vector API's Java fallback, whose own methods C2 then compiles first; the less fallback work per
     * counted call, the sooner the kernel's own methods are compiled.
     *
     * <p>A kernel may return, before the problem's own proxy, fixed proxies of every path the
     * problem's family of layers takes (tails, bias or none): the warm-up remembers each proxy, so they
     * run once per JVM, and C2 then compiles the shared methods with every branch profiled rather than
     * compiling the untaken ones as traps that a later layer's first execute springs.
     *
     * <p>Defaults to {@link WarmUpProblem#shrink(Problem, int)} with {@value #WARM_UP_CHANNELS} channels
     * per group (plus the residue that keeps the register tiles' tails); a kernel whose paths depend
     * on other sizes overrides it.
     *
     * @param problem the problem a plan is being made for
     * @return the proxies to warm, in order; possibly empty
     */
    default List<Problem> warmUpProblems(Problem problem) {
        return List.of(WarmUpProblem.shrink(problem, WARM_UP_CHANNELS));
    }

    /**
     * Small problems of this kernel's other paths, whose plans share compiled methods with a plan of
     * {@code problem} (the proxies of other families of layers), for warm-up's profile census: while
     * it warms {@code problem}'s proxies, warm-up runs each of these dry ({@link DryRun}) now and
     * then, so the shared methods' branch profiles include their paths when C2 compiles them. C2
     * compiles a branch it has never seen taken as a trap; a later layer that takes it would throw the
     * compiled method away and have it compiled again (a C2 compile of a large kernel method costs
     * tens of milliseconds of a small machine's one C2 thread). They are never run for real nor
     * remembered as warmed: their own methods are warmed when a layer of theirs comes. Empty by default.
     *
     * @param problem the problem a plan is being made for
     * @return the census problems; possibly empty
     */
    default List<Problem> profileProblems(Problem problem) {
        return List.of();
    }

    /** Channels per group a default warm-up proxy keeps (see {@link #warmUpProblems}). */
    int WARM_UP_CHANNELS = 8;
}
