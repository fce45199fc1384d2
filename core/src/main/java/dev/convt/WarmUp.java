package dev.convt;

import dev.convt.kernel.DryRun;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelPack;
import dev.convt.kernel.KernelPlan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Plan-time warm-up: runs a kernel's small proxy problems ({@link Kernel#warmUpProblems}) on scratch
 * buffers until the JIT has compiled the code they walk, so a plan's first execute runs near steady
 * speed.
 *
 * <p>Why: Vector API code runs on the API's Java fallback, boxing every vector, until C2 has compiled
 * it with the intrinsics. Run cold, a big layer's first execute spends most of its time there, and
 * the JIT's work is mostly wasted: the fallback's own methods (the lambdas and templates behind each
 * vector operation) become the hottest code in the JVM and fill the one C2 queue of a small machine
 * ahead of the kernel methods whose compilation makes them unnecessary; a kernel method whose loops
 * run long per call is compiled twice (on the stack, OSR, then normally); and a branch its profile
 * has never seen taken is compiled as a trap, so the next layer that takes it throws the compiled
 * method away and it is compiled again. Over the 17 workload layers planned and executed once each
 * in a fresh JVM, that was about 70 C2 compiles of convt's methods (a third of them OSR) beside about
 * 200 of the fallback's.
 *
 * <p>What warm-up does about it, in this order:
 * <ul>
 *   <li>Proxies with short calls: few channels (two input channels, one output channel for the GEMM
 *       kernels), so the JIT's call counters rather than its loop counters reach C2's threshold and
 *       each method is compiled once, normally.
 *   <li>Proxies that cover the paths: a kernel may return, besides the problem's own proxy, proxies
 *       of every path its family of layers takes (tails, bias or none, single cover), which this class
 *       warms once per JVM; later plans of the family find them warm, and their methods compiled with
 *       no branch left out.
 *   <li>Every proxy runs once dry (which makes its plan's workspace), then
 *       {@value #DRY_ROUNDS} rounds in which each runs dry ({@link DryRun}): the kernel's vector
 *       methods return as soon as they are called, so the calls count towards C2's thresholds while
 *       hardly any vector operation reaches the fallback (see {@link DryRun} for the one that does),
 *       and C2 compiles the kernel methods, not the fallback's. In a few of those rounds ({@link #liveRound}) each proxy runs for real, late
 *       enough that the methods' profiles exist, so the vector paths are in them and C2 compiles them
 *       rather than traps. A proxy of more than {@value #EXPENSIVE}× the cheapest's work
 *       runs for real in fewer rounds. These real runs are judged as the ones below are.
 *   <li>Then the proxies are judged: they take turns, one run each, until each is warm by the
 *       stopping rule below; a proxy that has taken more than {@value #TIME_SHARE}× the time of the
 *       cheapest skips its turns (a deep GEMM block's long loops would otherwise get their methods
 *       compiled on the stack). A run that still allocates (a method still on the fallback) is
 *       followed by a short burst of dry runs and a pause, which leaves the core to the compiler
 *       threads on a small machine.
 *   <li>Every {@value #FRESH_PLAN_EVERY}th judged run of a proxy is on a plan made anew, so the
 *       branches of a plan's first execute (making and filling its workspace) are profiled as well.
 *   <li>A profile census ({@link Kernel#profileProblems}): the kernel's proxies of other families
 *       and paths (deep, in place, long rows) run dry, never for real, in the first
 *       rounds and the live ones ({@link #censusRound}), once per JVM, so the methods every plan of
 *       the kernel shares (the column scatter's row walk, the task loop) are compiled with the other
 *       families' branches in their profiles, rather than thrown away and compiled again when a layer
 *       of another family comes.
 * </ul>
 * Warm-up does not keep C2 off the fallback with a compiler directive (the
 * {@code DiagnosticCommand} MBean's {@code compilerDirectivesAdd}), though that would take much of
 * the fallback's work out of C2's queue: HotSpot marks each method such a directive excludes, once
 * it gets hot, as never C2-compilable for the rest of the JVM, even after the directive is removed,
 * and C2 then never inlines it into any caller, a permanent JVM-wide change no library may make for
 * its users (the README's Warm-up section has the measurements). The dry runs do the same from
 * inside convt: the fallback never gets hot.
 *
 * <p>Stopping rule, per proxy: until {@value #CLEAN_RUNS} consecutive runs allocate nothing on the
 * heap (the fallback boxes every vector; C2's code does not) and the last is within
 * {@value #STEADY_FACTOR}× of the fastest; or until {@value #CALM_RUNS} consecutive runs are no faster
 * than the fastest and allocate at most 1/{@value #BOXING_DROP} of the most any run allocated (a
 * method the proxy calls rarely can stay in C1 for thousands of runs; the real problem's long loops
 * get it compiled on their own); a warm-up stops after {@value #PROXY_MILLIS} ms per proxy. Plan-time
 * warm-ups also share one budget per JVM ({@value #BUDGET_PROPERTY}, milliseconds,
 * {@value #DEFAULT_BUDGET_MILLIS} by default): where the JIT is starved (a machine with many more busy
 * threads than cores), warm-ups cannot finish and only add to planning, so once the budget is spent
 * plans stop warming up. Each proxy is warmed once per JVM: the kernel's name and the proxy problem
 * are remembered, so layers sharing kernel paths pay once.
 *
 * <p>{@code -Ddev.convt.verbose=true} logs each warm-up: the proxy, its runs and why it stopped.
 *
 * <p>Warm-up writes only buffers it allocates itself (the proxy's weights, input and output, all
 * dropped afterwards); the caller's buffers and the plan being made are never touched.
 */
final class WarmUp {
    private WarmUp() {}

    /**
     * {@code -Ddev.convt.warmup=false} switches plan-time warm-up off; it is on by default. With the
     * dry rounds, warming made the whole first pass of a fresh JVM over the 17 workload layers (plans
     * and first executes) shorter, not longer, and every first execute but a few came within a few
     * times its steady time (the README's Warm-up section has the measurements); off, a cold first
     * execute takes up to a few hundred times its steady time. {@link Plan#warmUp} works either way.
     */
    static final String PROPERTY = "dev.convt.warmup";

    /** The time plan-time warm-ups may take in this JVM, in milliseconds (see the class comment). */
    static final String BUDGET_PROPERTY = "dev.convt.warmup.millis";

    static final long DEFAULT_BUDGET_MILLIS = 5000;

    /** The most time one proxy is run for. */
    static final long PROXY_MILLIS = 1000;

    /** Nanoseconds spent by plan-time warm-ups in this JVM. */
    private static final java.util.concurrent.atomic.AtomicLong SPENT = new java.util.concurrent.atomic.AtomicLong();

    /**
     * The most time one proxy may have taken, as a multiple of the least any unfinished proxy has
     * taken, to be run next (see {@link #drive}).
     */
    static final int TIME_SHARE = 4;

    /**
     * Every this many runs a proxy runs on a plan made anew: a plan's first execute makes its
     * workspace and takes the branches that fill its per-workspace tables, which later executes skip;
     * profiled only at the proxies' own first runs (mostly before the profile exists), C2 compiled
     * them as traps, and the real plan's first execute threw the compiled kernel away.
     */
    static final int FRESH_PLAN_EVERY = 4;

    /** Consecutive runs that allocate nothing and end a warm-up. */
    static final int CLEAN_RUNS = 3;

    /** Consecutive runs no faster than the fastest that end a warm-up (see {@link #BOXING_DROP}). */
    static final int CALM_RUNS = 8;

    /** A run counts as faster when it takes less than this fraction of the fastest before it. */
    static final double FASTER = 0.9;

    /** Calm runs must allocate at most this fraction (1/n) of the most any run allocated. */
    static final int BOXING_DROP = 32;

    /** How close to the fastest run the last must be. */
    static final double STEADY_FACTOR = 1.5;

    /** The kernel-and-proxy signatures already warmed in this JVM. */
    private static final Set<String> WARMED = ConcurrentHashMap.newKeySet();

    /**
     * Whether plans warm up when made: unless {@value #PROPERTY} is {@code false} (read at each plan).
     *
     * @throws IllegalArgumentException if the property is set to anything but {@code true} or {@code false}
     */
    static boolean enabled() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(PROPERTY + " must be true or false, but got '" + v + "'");
    }

    private static long budgetNanos() {
        long millis = DEFAULT_BUDGET_MILLIS;
        String v = System.getProperty(BUDGET_PROPERTY);
        if (v != null) {
            try {
                millis = Math.max(0, Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(BUDGET_PROPERTY + " must be a whole number of milliseconds, but got '" + v + "'");
            }
        }
        return Math.min(millis, Long.MAX_VALUE / 2_000_000) * 1_000_000L;
    }

    /**
     * Warms the code paths a plan of {@code problem} on kernel {@code k} takes.
     *
     * @return the proxy runs performed for real (dry ones not counted): 0 when the kernel needs no warm-up or this JVM warmed the same
     *         paths before
     */
    static int warm(Kernel k, Problem problem, boolean planTime) {
        return warm(k, problem, planTime, false);
    }

    /**
     * Warms the code paths a plan of {@code problem} on kernel {@code k} takes; with
     * {@code nativeSegments}, also the code that reads and writes native segments in place, where the
     * plan has it ({@link KernelPlan#executesSegments()} and no layout stage between the caller's
     * segments and the kernel): each such proxy runs a second time on native scratch segments, as a
     * proxy of its own (its own stopping rule and once-per-JVM signature), since the segment twins are
     * methods of their own for the JIT.
     *
     * @return the proxy runs performed for real (dry ones not counted): 0 when the kernel needs no warm-up or this JVM warmed the same
     *         paths before
     */
    static int warm(Kernel k, Problem problem, boolean planTime, boolean nativeSegments) {
        long start = System.nanoTime();
        List<Problem> shapes = new ArrayList<>();
        List<Boolean> onSegments = new ArrayList<>();
        for (Problem shape : k.warmUpProblems(problem)) {
            // in the plan's layout, so a kernel that reads or writes it itself warms those paths
            Problem proxy = shape.withLayout(problem.layout());
            if (proxy.isEmpty() || k.declineReason(proxy) != null || shapes.contains(proxy)) {
                continue;
            }
            if (!WARMED.contains(signature(k, proxy, false))) {
                shapes.add(proxy);
                onSegments.add(false);
            }
            // native segments reach the kernel's own segment code only without a layout stage (see Plan)
            if (nativeSegments && LayoutStage.of(proxy, k) == null && !WARMED.contains(signature(k, proxy, true))) {
                shapes.add(proxy);
                onSegments.add(true);
            }
        }
        // a second each for the proxies not warmed yet (a family's warm path proxies take none)
        long allowed = PROXY_MILLIS * 1_000_000L * shapes.size();
        if (planTime) {
            allowed = Math.min(allowed, budgetNanos() - SPENT.get());
        }
        if (shapes.isEmpty() || allowed <= 0) {
            return 0;
        }
        int runs;
        // the native scratch segments live for this warm-up only, on this thread
        try (Arena arena = Arena.ofConfined()) {
            List<Proxy> proxies = new ArrayList<>();
            Proxy onArrays = null; // the last array proxy: a segment entry follows its shape's array entry
            for (int i = 0; i < shapes.size(); i++) {
                Problem shape = shapes.get(i);
                boolean segments = onSegments.get(i);
                String signature = signature(k, shape, segments);
                if (!WARMED.add(signature)) { // another thread claimed it since
                    continue;
                }
                if (!segments) {
                    onArrays = Proxy.of(signature, k, shape, null);
                    proxies.add(onArrays);
                    continue;
                }
                // the plan is asked first: where it stages native segments through arrays, the array proxy covers them
                Proxy base = onArrays != null && onArrays.problem.equals(shape) ? onArrays : Proxy.of(signature, k, shape, null);
                if (base.plan.executesSegments()) {
                    proxies.add(base.onSegments(signature, arena));
                }
            }
            runs = drive(proxies, census(k, problem, shapes), start + allowed);
        }
        if (planTime) {
            SPENT.addAndGet(System.nanoTime() - start);
        }
        return runs;
    }

    /** The census problems whose profiles were taken in this JVM (see {@link Kernel#profileProblems}). */
    private static final Set<String> PROFILED = ConcurrentHashMap.newKeySet();

    /**
     * The census proxies of a warm-up of {@code problem}'s {@code shapes} ({@link Kernel#profileProblems}),
     * in the plan's layout: each once per JVM, none that is warmed or being warmed.
     */
    private static List<Proxy> census(Kernel k, Problem problem, List<Problem> shapes) {
        List<Proxy> census = new ArrayList<>();
        for (Problem shape : k.profileProblems(problem)) {
            Problem c = shape.withLayout(problem.layout());
            String signature = signature(k, c, false);
            if (!c.isEmpty() && k.declineReason(c) == null && !shapes.contains(c) && !WARMED.contains(signature) && PROFILED.add(signature)) {
                census.add(Proxy.of("census of " + signature, k, c, null));
            }
        }
        return census;
    }

    /**
     * The dry rounds in which the census proxies run dry: each of the first 16 (a method called many
     * times per round, such as the column scatter's row walk, is compiled by C2 before the first
     * {@link #liveRound}; from the live rounds on only, it kept its traps), then those in which a cheap
     * proxy runs for real. A few runs in all: each is a branch count the profiles keep whenever C2
     * compiles the methods, and more would only lengthen the warm-up, as the census proxies' own
     * methods run interpreted.
     */
    static boolean censusRound(int round) {
        return round <= 16 || liveRound(round, false);
    }

    /** What identifies a warmed proxy in {@link #WARMED}: the kernel's name, the proxy problem and, for native segments, so. */
    private static String signature(Kernel k, Problem proxy, boolean nativeSegments) {
        return k.name() + " " + proxy + (nativeSegments ? " on native segments" : "");
    }

    private static final System.Logger LOG = System.getLogger("dev.convt");
    private static final boolean VERBOSE = Boolean.getBoolean("dev.convt.verbose");

    /**
     * Dry rounds (each proxy run dry once) before the proxies are first judged: enough calls for C2's
     * thresholds (with tiered compilation, a method is queued for C2 after some thousands of calls with
     * its loops; these proxies' kernel methods are called several times per execute).
     */
    static final int DRY_ROUNDS = 512;

    /**
     * The dry rounds in which a proxy runs for real: {@link #LIVE_ROUNDS} ({@link #COSTLY_LIVE_ROUNDS}
     * for a proxy of more than {@value #EXPENSIVE}× the cheapest's work). The first is late enough that
     * most kernel methods' profiles exist (C1's profiled code, after a few hundred calls): a path
     * taken only before then is missing from the profile, and C2 compiles it as a trap; the later
     * ones are for the methods whose profiles come later. Few: on a small machine C2's queue is long,
     * so a real run before C2 has compiled the kernel runs on the Vector API's fallback, which costs
     * the warming thread time and makes the fallback's own methods hot, and C2 then compiles them too
     * (with a run in every power-of-two round from 8, the live rounds made most of the fallback's
     * allocations in a fresh JVM's first pass).
     */
    static boolean liveRound(int round, boolean costly) {
        return (costly ? COSTLY_LIVE_ROUNDS : LIVE_ROUNDS).contains(round);
    }

    /** The dry rounds in which a proxy runs for real (see {@link #liveRound}). */
    static final Set<Integer> LIVE_ROUNDS = Set.of(8, 32, 256);

    /** The dry rounds in which a costly proxy runs for real (see {@link #liveRound}). */
    static final Set<Integer> COSTLY_LIVE_ROUNDS = Set.of(32, 256);

    /** A proxy whose work ({@link #work}) is more than this many times the cheapest's is costly (see {@link #liveRound}). */
    static final int EXPENSIVE = 8;

    /** A proxy's work: its multiply-adds as a direct (scatter) computation, to compare proxies by. */
    static long work(Problem p) {
        return (long) p.inputLength() * p.spec().outChannelsPerGroup() * p.spec().kernelVolume();
    }

    /** The dry calls made after a judged run that still allocated, before the pause (see {@link #drive}). */
    static final long DRY_BURST_NANOS = 1_000_000L;

    /** The first and the longest pause after a judged run that still allocated (it doubles from one to the other). */
    static final long FIRST_PAUSE_NANOS = 1_000_000L, LONGEST_PAUSE_NANOS = 16_000_000L;

    /** Runs the proxies until each is warm or the deadline passes (the order: see the class comment). */
    private static int drive(List<Proxy> proxies, List<Proxy> census, long deadline) {
        Allocation alloc = Allocation.counter();
        int runs = 0;
        for (Proxy p : proxies) {
            // makes the plan's workspace, not judged; dry, as a real run this early ran wholly on the
            // Vector API's fallback and added nothing to the profiles (none exist yet)
            long t0 = System.nanoTime();
            p.executeDry();
            p.nanos += System.nanoTime() - t0;
        }
        int dry = 0;
        long t0 = System.nanoTime();
        long cheapest = Long.MAX_VALUE;
        for (Proxy p : proxies) {
            cheapest = Math.min(cheapest, work(p.problem));
        }
        boolean[] costly = new boolean[proxies.size()];
        for (int i = 0; i < costly.length; i++) {
            costly[i] = work(proxies.get(i).problem) > EXPENSIVE * cheapest;
        }
        for (int round = 1; round <= DRY_ROUNDS && System.nanoTime() < deadline; round++) {
            if (censusRound(round)) {
                for (Proxy c : census) {
                    c.executeDry();
                    dry++;
                }
            }
            for (int i = 0; i < costly.length; i++) {
                Proxy p = proxies.get(i);
                if (liveRound(round, costly[i])) {
                    p.run(alloc); // judged too: clean runs here count towards the stopping rule
                    runs++;
                } else {
                    p.executeDry();
                    dry++;
                }
            }
        }
        long t1 = System.nanoTime();
        long pause = FIRST_PAUSE_NANOS;
        while (System.nanoTime() < deadline) {
            Proxy next = next(proxies);
            if (next == null) {
                break;
            }
            next.run(alloc);
            runs++;
            if (!next.warm() && next.lastBytes > 0) {
                // still on the fallback: a few more dry calls (for a method short of its threshold), then
                // the core to the compiler threads (on a small machine they share it with this one)
                long until = Math.min(deadline, System.nanoTime() + DRY_BURST_NANOS);
                while (System.nanoTime() < until) {
                    for (Proxy p : proxies) {
                        p.executeDry();
                        dry++;
                    }
                }
                LockSupport.parkNanos(Math.min(pause, Math.max(0, deadline - System.nanoTime())));
                pause = Math.min(2 * pause, LONGEST_PAUSE_NANOS);
            }
        }
        if (VERBOSE) {
            LOG.log(System.Logger.Level.INFO, "convt: warm-up: " + dry + " dry runs (" + census.size() + " census proxies), dry rounds " + (t1 - t0) / 1_000_000
                    + " ms, judged runs " + (System.nanoTime() - t1) / 1_000_000 + " ms");
            for (Proxy p : proxies) {
                LOG.log(System.Logger.Level.INFO, "convt: warm-up of " + p.signature + ": " + p.runs + " runs, "
                        + (p.clean >= CLEAN_RUNS ? "allocation-free" : p.calm >= CALM_RUNS ? "time settled" : "time budget reached")
                        + "; last run " + p.lastNanos / 1000 + " us, " + p.lastBytes + " bytes");
            }
        }
        return runs;
    }

    /**
     * The proxy to run next: of those not yet warm and whose time so far is at most
     * {@value #TIME_SHARE}× the least, the one with the fewest runs; null when all are warm.
     */
    private static Proxy next(List<Proxy> proxies) {
        long least = Long.MAX_VALUE;
        for (Proxy p : proxies) {
            if (!p.warm()) {
                least = Math.min(least, p.nanos);
            }
        }
        Proxy next = null;
        for (Proxy p : proxies) {
            if (!p.warm() && p.nanos <= TIME_SHARE * (double) least && (next == null || p.runs < next.runs)) {
                next = p;
            }
        }
        return next;
    }

    /** One proxy being warmed: its plan, scratch buffers and the state of the stopping rule. */
    private static final class Proxy {
        final String signature;
        final Kernel kernel;
        final Problem problem;
        final float[] x, y;
        /** The input and output as native segments, for a proxy of the segment code; else null. */
        final MemorySegment xs, ys;
        /** The proxy's packed weights, so that a fresh plan costs its tables only; null for a kernel that packs nothing. */
        final KernelPack pack;
        final float[] w, b;
        KernelPlan plan;
        long nanos, best = Long.MAX_VALUE, mostBytes, lastNanos, lastBytes;
        int runs = 1, clean, calm;

        private Proxy(String signature, Kernel kernel, Problem problem, float[] w, float[] b, float[] x, float[] y, Arena arena) {
            this(signature, kernel, problem, w, b, x, y, arena, kernel.packLayout(problem) == null ? null : kernel.pack(problem, w, 0, b, 0));
        }

        private Proxy(String signature, Kernel kernel, Problem problem, float[] w, float[] b, float[] x, float[] y, Arena arena,
                      KernelPack pack) {
            this.signature = signature;
            this.kernel = kernel;
            this.problem = problem;
            this.w = w;
            this.b = b;
            this.x = x;
            this.y = y;
            this.xs = arena == null ? null : arena.allocate(4L * x.length, 64).copyFrom(MemorySegment.ofArray(x));
            this.ys = arena == null ? null : arena.allocate(4L * y.length, 64);
            this.pack = pack;
            this.plan = newPlan();
        }

        /** The same proxy on native scratch segments from {@code arena}, sharing this one's data and packed weights. */
        Proxy onSegments(String signature, Arena arena) {
            return new Proxy(signature, kernel, problem, w, b, x, y, arena, pack);
        }

        private KernelPlan newPlan() {
            return pack == null ? kernel.prepare(problem, w, 0, b, 0) : kernel.plan(problem, pack);
        }

        /** A proxy on scratch arrays, or, with an arena, on native scratch segments from it. */
        static Proxy of(String signature, Kernel k, Problem proxy, Arena arena) {
            float[] w = scratch(proxy.weightLength(), 1);
            float[] b = proxy.spec().hasBias() ? scratch(proxy.spec().outChannels(), 2) : null;
            return new Proxy(signature, k, proxy, w, b, scratch(proxy.inputLength(), 3), new float[proxy.outputLength()], arena);
        }

        /** One execute of the current plan, on the proxy's arrays or native segments. */
        void execute() {
            if (xs != null) {
                plan.execute(xs, 0, ys, 0, null);
            } else {
                plan.execute(x, 0, y, 0);
            }
        }

        /** One execute with the kernel's vector methods returning at once ({@link DryRun}). */
        void executeDry() {
            DryRun.begin();
            try {
                execute();
            } finally {
                DryRun.end();
            }
        }

        boolean warm() {
            return clean >= CLEAN_RUNS || calm >= CALM_RUNS;
        }

        /**
         * Runs the proxy once; every {@value #FRESH_PLAN_EVERY}th run on a plan made anew, not judged
         * (it allocates the plan and its workspace).
         */
        void run(Allocation alloc) {
            if (runs % FRESH_PLAN_EVERY == 0) {
                long t0 = System.nanoTime();
                plan = newPlan();
                execute();
                nanos += System.nanoTime() - t0;
                runs++;
                return;
            }
            long bytes = alloc.bytes();
            long t0 = System.nanoTime();
            execute();
            long t = System.nanoTime() - t0;
            bytes = alloc.bytes() - bytes;
            runs++;
            nanos += t;
            mostBytes = Math.max(mostBytes, bytes);
            boolean faster = t < FASTER * best;
            best = Math.min(best, t);
            clean = alloc.available() && bytes == 0 && t <= STEADY_FACTOR * best ? clean + 1 : 0;
            // without the counter, or where a rarely called method still runs boxed: time decides once the boxing is mostly gone
            calm = !faster && bytes * BOXING_DROP <= mostBytes ? calm + 1 : 0;
            lastNanos = t;
            lastBytes = bytes;
        }
    }

    /** Small integers (exact in float32, so the proxy's sums never overflow or go subnormal). */
    private static float[] scratch(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i * 7 + seed) % 5 - 2;
        }
        return v;
    }

    /** The calling thread's allocated-bytes counter, where the JVM offers one. */
    private record Allocation(com.sun.management.ThreadMXBean bean) {
        static Allocation counter() {
            try {
                if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                        && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
                    return new Allocation(t);
                }
            } catch (LinkageError | RuntimeException e) {
                // no jdk.management: time alone decides
            }
            return new Allocation(null);
        }

        boolean available() {
            return bean != null;
        }

        long bytes() {
            return bean == null ? 0 : bean.getCurrentThreadAllocatedBytes();
        }
    }
}
