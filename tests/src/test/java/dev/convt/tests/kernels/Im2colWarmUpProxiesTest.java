package dev.convt.tests.kernels;

import dev.convt.ConvTransposeSpec;
import dev.convt.Problem;
import dev.convt.vector.Im2colKernel;
import dev.convt.vector.gemm.Blocking;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The im2col kernel's warm-up proxies ({@link Im2colKernel#warmUpProblems}): each col2im family's
 * path proxies (short calls: two input channels, one output channel) come first, shared by every
 * problem of the family, then the deep-block proxy for a deep problem, then the problem's own
 * geometry. No timing is asserted: what is warmed, not how fast.
 */
class Im2colWarmUpProxiesTest {
    private final Im2colKernel kernel = new Im2colKernel();

    /** Two problems of each family (width axis: kernel, stride, padding), one 2-D or 1-D each. */
    private static final Map<String, List<Problem>> FAMILIES = Map.of(
            "pairs", List.of(spec2d(512, 256, 4, 2, 1, false).problem(8, new int[] {4, 4}), spec2d(128, 64, 2, 2, 0, true).problem(1, new int[] {196, 196})),
            "triples", List.of(spec2d(56, 1, 9, 3, 4, true).problem(1, new int[] {120, 120}), spec2d(8, 4, 3, 3, 0, false).problem(2, new int[] {5, 7})),
            "lanes", List.of(spec1d(512, 256, 16, 8, 4, true).problem(1, new int[] {86}), spec1d(512, 1, 16, 8, 0, false).problem(1, new int[] {3999})),
            "runs", List.of(spec1d(256, 128, 8, 4, 0, true).problem(1, new int[] {1024}), spec2d(16, 8, 3, 1, 1, false).problem(1, new int[] {9, 9})));

    private static ConvTransposeSpec spec2d(int cin, int cout, int k, int s, int p, boolean bias) {
        return ConvTransposeSpec.builder2d(cin, cout, k).stride(s).padding(p).bias(bias).build();
    }

    private static ConvTransposeSpec spec1d(int cin, int cout, int k, int s, int p, boolean bias) {
        return ConvTransposeSpec.builder1d(cin, cout, k).stride(s).padding(p).bias(bias).build();
    }

    /** The proxies before the problem's own and the deep-block proxies of a deep problem. */
    private List<Problem> pathProxies(Problem p) {
        List<Problem> all = kernel.warmUpProblems(p);
        return all.subList(0, all.size() - 1 - deepProxies(p).size());
    }

    /** The proxies deeper than one K block, before the problem's own (which is deep too where its GEMM reads B in place past one K block). */
    private List<Problem> deepProxies(Problem p) {
        List<Problem> all = kernel.warmUpProblems(p);
        return all.subList(0, all.size() - 1).stream().filter(q -> q.spec().inChannelsPerGroup() > Blocking.KC).toList();
    }

    @Test
    void eachFamilySharesItsPathProxiesAndNoOtherFamilyHasThem() {
        List<Problem> seen = new ArrayList<>();
        FAMILIES.forEach((family, problems) -> {
            List<Problem> first = pathProxies(problems.get(0));
            assertTrue(first.size() >= 2, family + ": " + first);
            assertEquals(first, pathProxies(problems.get(1)), family + ": two problems of the family warm different path proxies");
            for (Problem q : first) {
                assertFalse(seen.contains(q), family + " shares a path proxy with another family: " + q);
            }
            seen.addAll(first);
        });
    }

    @Test
    void pathProxiesMakeShortCallsWithAndWithoutBias() {
        FAMILIES.forEach((family, problems) -> {
            List<Problem> proxies = pathProxies(problems.get(0));
            for (Problem q : proxies) {
                assertEquals(2, q.spec().inChannelsPerGroup(), family + ": " + q);
                // one output channel, or as many as fill the zipped register tile (MR / 2 row pairs, two per channel)
                assertTrue(q.spec().outChannelsPerGroup() <= Math.max(1, Blocking.MR / 4), family + ": " + q);
                assertNull(kernel.declineReason(q), family + ": im2col declines its own proxy " + q);
            }
            assertTrue(proxies.stream().anyMatch(q -> q.spec().hasBias()), family + ": no proxy with bias");
            assertTrue(proxies.stream().anyMatch(q -> !q.spec().hasBias()), family + ": no proxy without bias");
        });
    }

    /**
     * The paths of the zipped stride-2 pass and of batches: a proxy fills the zipped register tile
     * ({@code MR / 2} row pairs) on rows wider than a column panel (its pairs stored straight into the
     * output, as U-Net's 196-wide rows take), and a proxy of two images has its second start inside a
     * column panel (DCGAN's batch of 4 × 4 images).
     */
    @Test
    void pairProxiesFillAZippedTileOnWideRowsAndStartAnImageInsideAPanel() {
        List<Problem> proxies = pathProxies(FAMILIES.get("pairs").get(0));
        assertTrue(proxies.stream().anyMatch(q -> q.spec().kernelSize(1) == 2 && q.spec().stride(1) == 2
                && 2 * q.spec().outChannelsPerGroup() >= Blocking.MR / 2 && q.inputSpatial()[1] > Blocking.NR), "no full zipped tile on wide rows: " + proxies);
        assertTrue(proxies.stream().anyMatch(q -> q.batch() >= 2 && q.inputPlane() % Blocking.NR != 0), "no image starting inside a panel: " + proxies);
    }

    /**
     * The profile census ({@link Im2colKernel#profileProblems}): every other family's path proxies and
     * none of the problem's own family, the deep proxies for a shallow problem, a GEMM that reads B in
     * place for one that does not, and a 1-D row of each family that the column tiles cut.
     */
    @Test
    void theCensusHasTheOtherFamiliesAndTheDeepInPlaceAndLongRowPaths() {
        FAMILIES.forEach((family, problems) -> {
            Problem p = problems.get(0);
            List<Problem> census = kernel.profileProblems(p);
            List<Problem> own = pathProxies(p);
            for (Problem q : own) {
                assertFalse(census.contains(q), family + ": its own path proxy in its census: " + q);
            }
            FAMILIES.forEach((other, ps) -> {
                if (!other.equals(family)) {
                    assertTrue(census.containsAll(pathProxies(ps.get(0))), family + ": the census lacks the " + other + " family");
                }
            });
            for (Problem q : census) {
                assertNull(kernel.declineReason(q), family + ": im2col declines its census proxy " + q);
            }
            assertEquals(Im2colKernel.readsInPlace(p), census.stream().noneMatch(Im2colKernel::readsInPlace), family + ": in-place census");
            assertEquals(p.spec().inChannelsPerGroup() <= Blocking.KC, census.stream().anyMatch(q -> q.spec().inChannelsPerGroup() > Blocking.KC),
                    family + ": deep census");
            assertTrue(census.stream().filter(q -> q.rank() == 1 && q.inputPlane() > Blocking.ncFor(q.spec().inChannelsPerGroup())).count() >= 4,
                    family + ": no long rows in the census: " + census);
        });
    }

    /** The GEMM's columns: whole panels, a part panel, and a wide tail tile, among the pair family's proxies. */
    @Test
    void pairProxiesCoverEveryKindOfLastColumnPanel() {
        List<Integer> columns = pathProxies(FAMILIES.get("pairs").get(0)).stream().map(q -> q.batch() * q.inputPlane()).toList();
        assertTrue(columns.stream().anyMatch(n -> n % Blocking.NR == 0), "no whole last panel: " + columns);
        assertTrue(columns.stream().anyMatch(n -> n % Blocking.NR != 0), "no part last panel: " + columns);
        if (Blocking.WIDE_TAIL) {
            assertTrue(columns.stream().anyMatch(Blocking::usesWideTail), "no wide tail tile: " + columns);
        }
    }

    /**
     * A problem of the one-GEMM path (U-Net's and Mask R-CNN's channels-last 2 × 2 up-convolutions, a
     * DCGAN head's single input position) gets an own proxy on that same path, in the problem's layout as
     * plan-time warm-up runs it: the same packed layout, so warm-up compiles the code the problem runs.
     */
    @Test
    void aOneGemmProblemsOwnProxyTakesTheOneGemmPath() {
        List<Problem> problems = List.of(
                ConvTransposeSpec.builder2d(128, 64, 2, 2).stride(2).build().problem(1, new int[] {196, 196})
                        .withLayout(dev.convt.Layout.CHANNELS_LAST),
                ConvTransposeSpec.builder2d(256, 256, 2, 2).stride(2).build().problem(16, new int[] {14, 14})
                        .withLayout(dev.convt.Layout.CHANNELS_LAST),
                ConvTransposeSpec.builder2d(100, 512, 4, 4).bias(false).build().problem(16, new int[] {1, 1}));
        for (Problem p : problems) {
            assertTrue(kernel.packLayout(p).startsWith("projection-b"), "not on the one-GEMM path: " + p);
            Problem own = kernel.warmUpProblems(p).getLast().withLayout(p.layout());
            assertEquals(kernel.packLayout(p), kernel.packLayout(own), "the proxy " + own + " of " + p);
        }
    }

    /**
     * A problem whose GEMM reads B in place has an own proxy that reads in place too, past one K block
     * (the accumulating tiles) also where the problem is within one (DCGAN's last layer, the first
     * in-place plan of the workload, before Conv-TasNet's deeper decoder); the path proxies pack.
     */
    @Test
    void anInPlaceProblemsOwnProxyReadsInPlacePastOneKBlock() {
        Problem tasnet = ConvTransposeSpec.builder1d(512, 1, 16).stride(8).bias(false).build().problem(1, 512, 3999);
        Problem dcgan = ConvTransposeSpec.builder2d(64, 3, 4).stride(2).padding(1).bias(false).build().problem(8, 64, 32, 32);
        assertTrue(Im2colKernel.readsInPlace(tasnet), "not read in place: " + tasnet);
        // DCGAN's layer reads in place where 8 rows of A make a panel (16 lanes): 6 panels at most
        for (Problem p : Im2colKernel.readsInPlace(dcgan) ? List.of(tasnet, dcgan) : List.of(tasnet)) {
            List<Problem> all = kernel.warmUpProblems(p);
            assertTrue(Im2colKernel.readsInPlace(all.getLast()), "the own proxy packs: " + all.getLast());
            assertTrue(all.getLast().spec().inChannelsPerGroup() > Blocking.KC, "the own proxy is within one K block: " + all.getLast());
            for (Problem q : all.subList(0, all.size() - 1)) {
                assertFalse(Im2colKernel.readsInPlace(q), "a path proxy reads in place: " + q);
            }
        }
    }

    /**
     * The census of a problem that packs B reads B in place over whole panels and over whole panels and
     * a part: a plan that packs always takes the packing branch of the task loop, which C2 compiled as
     * a trap for the first in-place plan of whole panels.
     */
    @Test
    void theInPlaceCensusHasWholePanelsAndAPart() {
        Problem p = FAMILIES.get("lanes").get(0);
        assertFalse(Im2colKernel.readsInPlace(p), "read in place: " + p);
        List<Integer> columns = kernel.profileProblems(p).stream().filter(Im2colKernel::readsInPlace).map(Problem::inputPlane).toList();
        assertTrue(columns.stream().anyMatch(n -> n % Blocking.NR == 0), "no in-place census of whole panels: " + columns);
        assertTrue(columns.stream().anyMatch(n -> n % Blocking.NR != 0), "no in-place census with a part: " + columns);
    }

    /**
     * The later K blocks finish GEMMs of every kind of last column panel: a whole one (DCGAN's 128
     * columns) and a part one or the wide tail, so the first deep layer meets no branch its warm-up
     * left out.
     */
    @Test
    void deepProxiesEndTheirColumnsWithAWholePanelAndWithAPartOne() {
        List<Integer> columns = deepProxies(FAMILIES.get("lanes").get(0)).stream().map(q -> q.batch() * q.inputPlane()).toList();
        assertTrue(columns.stream().anyMatch(n -> n % Blocking.NR == 0 && n > Blocking.NR), "no whole last panel after another: " + columns);
        assertTrue(columns.stream().anyMatch(n -> n % Blocking.NR != 0 && n > Blocking.NR), "no part last panel after another: " + columns);
    }

    /** Whether some column tile of p's GEMM (the batch's columns side by side) ends inside an image. */
    private static boolean tileEndsInsideAnImage(Problem p) {
        long columns = (long) p.batch() * p.inputPlane();
        int nc = Im2colKernel.columnTile(p);
        return columns > nc && nc % p.inputPlane() != 0;
    }

    /**
     * Images wider than a column tile (HiFi-GAN's last upsample: 11,008 positions; a Conv-TasNet-like
     * decoder on a signal wider than the widest tile read in place): the problem's own proxy has a
     * tile that ends inside an image too (col2im's cut rows, the output frontier's mid-image tile
     * end), as wide as that needs and no wider than the problem. A problem whose tiles end on image
     * boundaries keeps its small proxy.
     */
    @Test
    void imagesWiderThanAColumnTileGetAProxyWhoseTilesEndInsideAnImage() {
        int longSignal = Blocking.inPlaceTileColumns(16) + 3999;
        List<Problem> wide = List.of(spec1d(64, 32, 4, 2, 1, true).problem(1, new int[] {11008}),
                spec1d(512, 1, 16, 8, 0, false).problem(1, new int[] {longSignal}),
                spec2d(16, 8, 3, 1, 1, false).problem(1, new int[] {40, 40}));
        for (Problem p : wide) {
            assertTrue(tileEndsInsideAnImage(p), "the example's tiles end on image boundaries: " + p);
            Problem own = kernel.warmUpProblems(p).getLast();
            assertTrue(tileEndsInsideAnImage(own), "the own proxy " + own + " of " + p + " has no tile ending inside an image");
            int last = p.rank() - 1;
            assertTrue(own.inputSpatial()[last] <= p.inputSpatial()[last], "wider than the problem: " + own);
            assertTrue(own.inputPlane() < 2 * Im2colKernel.columnTile(own), "wider than it needs: " + own);
        }
        Problem aligned = spec2d(64, 3, 4, 2, 1, false).problem(8, new int[] {32, 32});
        assertFalse(tileEndsInsideAnImage(aligned), "the example's tiles end inside an image: " + aligned);
        Problem own = kernel.warmUpProblems(aligned).getLast();
        assertTrue(own.inputPlane() <= Blocking.ncFor(own.spec().inChannelsPerGroup()), "widened though the problem needs no cut tile: " + own);
    }

    /** A problem deeper than one K block adds a proxy of the micro-kernel's accumulating path; a shallow one does not. */
    @Test
    void aDeepProblemAlsoWarmsTheAccumulatingPath() {
        Problem deep = FAMILIES.get("pairs").get(0);
        List<Problem> all = kernel.warmUpProblems(deep);
        List<Problem> deepOnes = deepProxies(deep);
        assertEquals(deepOnes, all.subList(all.size() - 1 - deepOnes.size(), all.size() - 1), "the deep proxies come just before the own one");
        // the accumulating path of the plain GEMM, and of the zipped pass of the pairs (kernel 2, stride 2)
        assertTrue(deepOnes.stream().anyMatch(q -> q.spec().rank() == 1), "no plain deep proxy: " + deepOnes);
        assertTrue(deepOnes.stream().anyMatch(q -> q.spec().rank() == 2 && q.spec().stride(1) == 2), "no deep pairs proxy: " + deepOnes);
        Problem deepLanes = FAMILIES.get("lanes").get(0);
        List<Problem> lanesDeep = deepProxies(deepLanes);
        assertEquals(deepOnes.stream().filter(q -> q.spec().rank() == 1).toList(), lanesDeep,
                "a deep problem of another family takes the plain deep proxies only");
        Problem shallow = FAMILIES.get("pairs").get(1);
        assertTrue(deepProxies(shallow).isEmpty());
        // the problem's own geometry comes last
        Problem own = all.getLast();
        assertEquals(deep.spec().kernelSize(1), own.spec().kernelSize(1));
        assertEquals(deep.spec().stride(1), own.spec().stride(1));
        assertEquals(deep.spec().padBegin(1), own.spec().padBegin(1));
    }
}
