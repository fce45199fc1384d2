package dev.convt;

import dev.convt.kernel.DryRun;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelPack;
import dev.convt.kernel.KernelPlan;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order in which {@link WarmUp} runs a plan's proxies, on a kernel that records its calls (its
 * executes allocate a little for their first {@link #BOXED_RUNS} runs per proxy, as the Vector API's
 * fallback does before C2 has compiled a kernel, then nothing; a dry call, {@link DryRun}, is logged
 * apart and does neither): all proxies once for real before any runs again; then dry rounds with real
 * runs among them; every {@link WarmUp#FRESH_PLAN_EVERY}th judged run on a plan made anew from the
 * proxy's pack; each proxy run until warm, and once per JVM. No timing is asserted.
 */
class WarmUpDriveTest {

    /** Runs of each proxy that allocate. */
    static final int BOXED_RUNS = 6;

    /** Where the allocating runs put their array, so that it escapes. */
    static volatile Object sink;

    /** A kernel whose proxies are the three given problems and whose plans log each execute as "proxy#plan", a dry one as "dry proxy#plan". */
    private static final class Recording implements Kernel {
        final String name;
        final List<Problem> proxies;
        final List<String> log = new ArrayList<>(1 << 20);
        final int[] executions = new int[3];
        int packs, plans;

        Recording(String name, List<Problem> proxies) {
            this.name = name;
            this.proxies = proxies;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String declineReason(Problem problem) {
            return null;
        }

        @Override
        public String packLayout(Problem problem) {
            return "recorded";
        }

        @Override
        public KernelPack pack(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
            packs++;
            return () -> 0;
        }

        @Override
        public KernelPlan plan(Problem problem, KernelPack pack) {
            int id = ++plans;
            int index = proxies.indexOf(problem);
            String tag = "p" + index + "#" + id;
            return (x, xOffset, y, yOffset, workspace) -> {
                if (DryRun.active()) {
                    log.add("dry " + tag);
                    return;
                }
                if (executions[index]++ < BOXED_RUNS) {
                    sink = new byte[256];
                }
                log.add(tag);
            };
        }

        @Override
        public KernelPlan prepare(Problem problem, float[] weight, int weightOffset, float[] bias, int biasOffset) {
            return plan(problem, pack(problem, weight, weightOffset, bias, biasOffset));
        }

        @Override
        public List<Problem> warmUpProblems(Problem problem) {
            return proxies;
        }
    }

    private static List<Problem> proxies(int width) {
        List<Problem> out = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            out.add(ConvTransposeSpec.builder1d(2, 1, k).bias(false).build().problem(1, new int[] {width}));
        }
        return out;
    }

    /** The real (not dry) runs in the log. */
    private static List<String> real(List<String> log) {
        return log.stream().filter(s -> !s.startsWith("dry ")).toList();
    }

    @Test
    void everyProxyRunsOnceBeforeAnyRunsAgainAndEachUntilWarm() {
        Recording k = new Recording("recording-turns", proxies(41));
        int runs = WarmUp.warm(k, k.proxies.getFirst(), false);
        assertEquals(real(k.log).size(), runs, k.log::toString);
        assertEquals(List.of("dry p0", "dry p1", "dry p2"), k.log.subList(0, 3).stream().map(s -> s.substring(0, 6)).toList(),
                "the first runs are each proxy's, dry (making its workspace): " + k.log);
        List<String> who = real(k.log).stream().map(s -> s.substring(0, 2)).toList();
        for (String p : List.of("p0", "p1", "p2")) {
            // past its allocating runs, and then (fresh plans aside) enough clean ones
            assertTrue(who.stream().filter(p::equals).count() > BOXED_RUNS + WarmUp.CLEAN_RUNS, p + " stopped before it was warm: " + k.log);
        }
    }

    /**
     * Each proxy runs dry at least {@value WarmUp#DRY_ROUNDS} times, and runs for real between its dry
     * runs once it has had some (its profile holds the real paths) and not only before them.
     */
    @Test
    void dryRunsComeWithRealRunsAmongThem() {
        Recording k = new Recording("recording-dry", proxies(53));
        WarmUp.warm(k, k.proxies.getFirst(), false);
        for (String p : List.of("p0", "p1", "p2")) {
            int dry = 0, dryAtReal = -1;
            for (String s : k.log) {
                if (s.startsWith("dry " + p)) {
                    dry++;
                } else if (s.startsWith(p) && dry >= 16 && dryAtReal < 0) {
                    dryAtReal = dry;
                }
            }
            assertTrue(dry >= WarmUp.DRY_ROUNDS, p + " ran dry " + dry + " times");
            assertTrue(dryAtReal >= 16 && dryAtReal < dry, p + " never ran for real between its dry runs: " + k.log);
        }
    }

    @Test
    void everyFewRunsAreOnAFreshPlanOverTheSamePack() {
        Recording k = new Recording("recording-fresh", proxies(43));
        WarmUp.warm(k, k.proxies.getFirst(), false);
        assertEquals(3, k.packs, "one pack per proxy");
        assertTrue(k.plans > 3, "no proxy ran on a fresh plan: " + k.log);
        // the real runs of one proxy: on its first plan until the judged runs make new ones, each new one serving FRESH_PLAN_EVERY at most
        List<String> plans = real(k.log).stream().filter(s -> s.startsWith("p0")).map(s -> s.substring(3)).toList();
        List<String> distinct = plans.stream().distinct().toList();
        assertTrue(distinct.size() > 1, "p0 never ran on a fresh plan: " + plans);
        for (String plan : distinct.subList(1, distinct.size())) {
            long served = plans.stream().filter(plan::equals).count();
            assertTrue(served <= WarmUp.FRESH_PLAN_EVERY, "plan #" + plan + " of p0 ran " + served + " times: " + plans);
        }
        assertEquals(plans.stream().sorted(java.util.Comparator.comparingInt(Integer::parseInt)).toList(), plans,
                "p0 went back to an older plan: " + plans);
    }

    @Test
    void aProxyIsWarmedOncePerJvm() {
        Recording k = new Recording("recording-once", proxies(47));
        assertTrue(WarmUp.warm(k, k.proxies.getFirst(), false) > 0);
        int logged = k.log.size();
        assertEquals(0, WarmUp.warm(k, k.proxies.get(1), false), "the same proxies were warmed again");
        assertEquals(logged, k.log.size());
    }
}
