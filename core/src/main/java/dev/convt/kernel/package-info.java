/**
 * The kernel interface behind {@link dev.convt.Planner}, and the scalar reference kernel that defines
 * the semantics.
 *
 * <p>A {@link dev.convt.kernel.Kernel} is stateless: it says whether it can compute a
 * {@link dev.convt.Problem} ({@link dev.convt.kernel.Kernel#declineReason}, and for the automatic
 * choice {@link dev.convt.kernel.Kernel#autoDeclineReason}) and prepares a
 * {@link dev.convt.kernel.KernelPlan} that owns the packed weights and sizes the per-thread workspace.
 * Kernels come from {@link dev.convt.kernel.KernelProvider}s found with
 * {@link java.util.ServiceLoader}; {@link dev.convt.kernel.KernelChoice} names them for callers who
 * pick one explicitly. {@link dev.convt.kernel.ReferenceKernel} is the definition every other kernel is
 * tested against, and with an {@link dev.convt.kernel.OpCounter} it counts the arithmetic it performs.
 * {@link dev.convt.kernel.WarmUpProblem} shrinks a problem into the cheap proxy that plan warm-up runs,
 * and a kernel's vector methods return at once while {@link dev.convt.kernel.DryRun#active()} (warm-up's
 * dry runs, on scratch buffers of its own; a thread between {@code DryRun.begin()} and {@code end()}
 * computes nothing, so only warm-up calls them).
 *
 * <p>Engines normally use {@link dev.convt.Plan}, which checks every buffer (sizes, offsets, aliasing)
 * before it calls a kernel plan; a kernel plan assumes valid, disjoint buffers.
 */
package dev.convt.kernel;
