package dev.convt.bench;

import dev.convt.Problem;
import dev.convt.testkit.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ops}: the three cost models against values computed independently of the closed forms. */
class OpsCommandTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> opsJson(Path dir, String layersJson) throws Exception {
        Path layers = dir.resolve("layers.json");
        Files.writeString(layers, layersJson);
        Path out = dir.resolve("ops.json");
        Cli r = Cli.run("ops", "--file", layers.toString(), "--json", out.toString());
        assertEquals(0, r.status(), r.err());
        return (Map<String, Object>) Json.parse(Files.readString(out));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> get(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    /**
     * The seeds' example: L_in = 2, kernel 3, one channel, no bias. The published estimate says 14
     * (ψ = 1, λ = 4·3 + 2, γ = 0); the work is 6 multiplications and 2 additions (4 outputs receive 1,
     * 2, 2, 1 products); the dense gather multiplies 4 outputs × 3 taps = 12 and adds 12 − 4.
     */
    @Test
    void seedExample(@TempDir Path dir) throws Exception {
        Map<String, Object> root = opsJson(dir, """
                {"layers": [{"name": "seed", "dims": 1, "N": 1, "Cin": 1, "Cout": 1, "in": [2], "k": [3], "bias": false}]}
                """);
        @SuppressWarnings("unchecked")
        Map<String, Object> layer = ((List<Map<String, Object>>) root.get("layers")).getFirst();
        assertEquals("seed", layer.get("name"));
        assertEquals(Map.of("psi", 1L, "lambda", 14L, "gamma", 0L, "additions_per_filter", 2L, "total", 14L), get(layer, "published"));
        assertEquals(Map.of("multiplications", 6L, "additions", 2L, "total", 8L), get(layer, "exact"));
        assertEquals(Map.of("multiplications", 12L, "additions", 8L, "total", 20L), get(layer, "dense"));
    }

    /** A 2D grouped layer with stride gaps, padding and dilation: exact and dense counts by brute force. */
    @Test
    void bruteForceCountsOnAGappedLayer(@TempDir Path dir) throws Exception {
        String text = """
                {"layers": [
                  {"name": "gaps", "dims": 2, "N": 2, "Cin": 4, "Cout": 6, "in": [3, 4], "k": [2, 3], "s": [3, 2], "p": [1, 2], "op": [1, 0], "d": [1, 2], "g": 2, "bias": false},
                  {"name": "gaps_bias", "dims": 2, "N": 2, "Cin": 4, "Cout": 6, "in": [3, 4], "k": [2, 3], "s": [3, 2], "p": [1, 2], "op": [1, 0], "d": [1, 2], "g": 2, "bias": true}
                ]}
                """;
        Map<String, Object> root = opsJson(dir, text);
        List<Workload.Layer> layers = Workload.parse(text, "test");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> out = (List<Map<String, Object>>) root.get("layers");
        for (int i = 0; i < layers.size(); i++) {
            Problem p = layers.get(i).problem();
            long mults = exactMultiplications(p);
            long covered = coveredOutputs(p);
            boolean bias = p.spec().hasBias();
            long adds = bias ? mults : mults - covered;
            Map<String, Object> exact = get(out.get(i), "exact");
            assertEquals(mults, exact.get("multiplications"), layers.get(i).name());
            assertEquals(adds, exact.get("additions"), layers.get(i).name());
            long dense = (long) p.outputLength() * p.spec().inChannelsPerGroup() * p.spec().kernelVolume();
            assertEquals(dense, get(out.get(i), "dense").get("multiplications"), layers.get(i).name());
            assertEquals(dense - (bias ? 0 : p.outputLength()), get(out.get(i), "dense").get("additions"), layers.get(i).name());
            // DESIGN.md's identity: published = dense multiplications + exact additions − [no bias]·(outputs receiving nothing)
            long uncovered = p.outputLength() - covered;
            assertEquals(dense + adds - (bias ? 0 : uncovered), get(out.get(i), "published").get("total"), layers.get(i).name());
        }
    }

    @Test
    void tablePrintsEveryLayerOfTheEmbeddedWorkload() {
        Cli r = Cli.run("ops");
        assertEquals(0, r.status(), r.err());
        for (Workload.Layer l : Workload.embedded()) {
            assertTrue(r.out().contains(l.name()), l.name());
        }
        assertTrue(r.out().contains("published") && r.out().contains("exact mul") && r.out().contains("dense mul"));
    }

    /** Products x[n, ci, i] · w[ci, co, t] that land inside the output, counted one by one. */
    static long exactMultiplications(Problem p) {
        long count = 0;
        int[] in = p.in3();
        int[] k = p.kernel3();
        for (int a = 0; a < in[0]; a++) for (int b = 0; b < in[1]; b++) for (int c = 0; c < in[2]; c++) {
            for (int ta = 0; ta < k[0]; ta++) for (int tb = 0; tb < k[1]; tb++) for (int tc = 0; tc < k[2]; tc++) {
                if (lands(p, new int[] {a, b, c}, new int[] {ta, tb, tc}) != null) {
                    count++;
                }
            }
        }
        // every (n, ci, co-in-group) triple sees the same spatial products
        return count * p.batch() * p.spec().inChannels() * p.spec().outChannelsPerGroup();
    }

    /** Output elements (all batches and channels) that receive at least one product. */
    static long coveredOutputs(Problem p) {
        int[] out = p.out3();
        boolean[] hit = new boolean[out[0] * out[1] * out[2]];
        int[] in = p.in3();
        int[] k = p.kernel3();
        for (int a = 0; a < in[0]; a++) for (int b = 0; b < in[1]; b++) for (int c = 0; c < in[2]; c++) {
            for (int ta = 0; ta < k[0]; ta++) for (int tb = 0; tb < k[1]; tb++) for (int tc = 0; tc < k[2]; tc++) {
                int[] o = lands(p, new int[] {a, b, c}, new int[] {ta, tb, tc});
                if (o != null) {
                    hit[(o[0] * out[1] + o[1]) * out[2] + o[2]] = true;
                }
            }
        }
        long n = 0;
        for (boolean h : hit) {
            n += h ? 1 : 0;
        }
        return n * p.batch() * p.spec().outChannels();
    }

    private static int[] lands(Problem p, int[] i, int[] t) {
        int[] out = p.out3();
        int[] o = new int[3];
        for (int d = 0; d < 3; d++) {
            o[d] = i[d] * p.stride3()[d] - p.padBegin3()[d] + t[d] * p.dilation3()[d];
            if (o[d] < 0 || o[d] >= out[d]) {
                return null;
            }
        }
        return o;
    }
}
