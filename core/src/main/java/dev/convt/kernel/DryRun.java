package dev.convt.kernel;

/**
 * The dry runs of plan-time warm-up: while a thread's warm-up runs a proxy dry, every method of a
 * kernel that does vector arithmetic returns (or skips its vector loop) as soon as it is called on
 * that thread, and everything around those methods (blocking, dispatch, index arithmetic) runs as it
 * always does.
 *
 * <p>Why: until HotSpot's C2 has compiled a method that uses the Vector API, each of its vector
 * operations runs on the API's Java fallback (a boxed vector and a lambda per operation), and those
 * fallback methods, called once per vector operation, reach C2's thresholds long before the kernel
 * methods that call them: C2 then spends most of a fresh JVM's first pass compiling the fallback,
 * which compiled kernels never call. A dry call counts towards the method's call threshold but runs
 * no vector operation, so the kernel methods reach C2 first and the fallback never gets hot. The few
 * proxy runs the warm-up does for real between the dry ones put the vector paths into the methods'
 * profiles, so that C2 compiles them instead of leaving traps there.
 *
 * <p>A kernel method asks {@link #active()} first thing (or before its vector loop, when it also
 * calls other kernel methods, which must see their dry calls too); only the thread that called
 * {@link #begin()} sees it true, so plans executing on other threads meanwhile are never affected,
 * and a warm-up only ever runs dry on scratch buffers of its own.
 *
 * <p>A vector operation whose Vector API call calls a JDK method that C2 inlines only at a
 * frequently taken site (a gathering load calls {@code IntVector.species}, too large for a rarely
 * taken site) must not be skipped by dry runs: C2 would compile it as a call to the API's fallback for
 * good, allocating on every execute. The kernels avoid such operations (the sub-pixel write-out
 * blends its runs from plain loads), except the gathers of the channels-last paths
 * ({@code Packing.packBColumnsChannelsLast}, {@code OutputFrontier}'s move to channels last), which
 * dry runs therefore run for real.
 */
public final class DryRun {
    private DryRun() {}

    /**
     * The thread whose calls are dry, or null. A plain field: the thread that sets it reads its own
     * write, and any other thread reads either null or another thread, never itself, so a stale read
     * can only make a call run for real, never make a real call dry.
     */
    private static Thread dry;

    /**
     * Whether vector methods called on this thread now are to return without computing.
     *
     * @return true only on the thread of a dry run, between its {@link #begin()} and {@link #end()}
     */
    public static boolean active() {
        return Thread.currentThread() == dry;
    }

    /**
     * Makes this thread's kernel calls dry until {@link #end()}: for warm-up on scratch buffers only, as a
     * plan executed on this thread meanwhile leaves its output unwritten or partly written. One thread at
     * a time: a second thread's {@code begin()} ends the first one's dry calls (they then run for real).
     */
    public static void begin() {
        dry = Thread.currentThread();
    }

    /** Ends this thread's dry calls (another thread's dry run, if one began since, is left as it is). */
    public static void end() {
        if (dry == Thread.currentThread()) {
            dry = null;
        }
    }
}
