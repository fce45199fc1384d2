package dev.convt.bench;

import dev.convt.Layout;
import dev.convt.testkit.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runner's layout bridge: {@code cases}' per-case {@code "layout"} and {@code --layout} read
 * {@code x} and write {@code y} channels last while {@code input_shape} and {@code y_shape} stay
 * logical; {@code suite --layout} runs each layer per layout; bad names exit 2.
 */
class LayoutBridgeTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String line) {
        return (Map<String, Object>) Json.parse(line);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> m, String field) {
        return (List<Object>) m.get(field);
    }

    private static int[] ints(List<Object> l) {
        return l.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    /**
     * Values of a logical shape, channels first {@code (N, C, *s)} or unbatched {@code (C, *s)}, moved
     * to channels last, by the definition.
     */
    static List<Object> channelsLast(List<Object> values, int[] shape, boolean batched) {
        int n = batched ? shape[0] : 1, c = shape[batched ? 1 : 0];
        int plane = values.size() / Math.max(1, n * c);
        List<Object> out = new ArrayList<>(values);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < plane; s++) {
                    out.set((i * plane + s) * c + ch, values.get((i * c + ch) * plane + s));
                }
            }
        }
        return out;
    }

    @Test
    void channelsLastCasesGiveTheChannelsFirstOutputTransposed(@TempDir Path dir) throws Exception {
        List<String> lines = CasesCommandTest.someGoldenLines();
        List<String> withField = new ArrayList<>(), transposedOnly = new ArrayList<>();
        for (String line : lines) {
            Map<String, Object> c = new LinkedHashMap<>(parse(line));
            int dims = ((Number) c.get("dims")).intValue();
            int[] shape = ints(list(c, "input_shape"));
            c.put("x", channelsLast(list(c, "x"), shape, shape.length == dims + 2));
            c.remove("y");
            c.remove("y64");
            transposedOnly.add(Json.write(c));
            c.put("layout", Layout.CHANNELS_LAST.name(dims));
            withField.add(Json.write(c));
        }
        Path plainIn = dir.resolve("plain.jsonl"), fieldIn = dir.resolve("field.jsonl"), flagIn = dir.resolve("flag.jsonl");
        Files.write(plainIn, lines);
        Files.write(fieldIn, withField);
        Files.write(flagIn, transposedOnly);
        Path plainOut = dir.resolve("p.jsonl"), fieldOut = dir.resolve("f.jsonl"), flagOut = dir.resolve("g.jsonl");
        int compared = 0;
        for (String kernel : dev.convt.Planner.kernelNames()) {
            assertEquals(0, Cli.run("cases", plainIn.toString(), "--out", plainOut.toString(), "--kernel", kernel).status());
            assertEquals(0, Cli.run("cases", fieldIn.toString(), "--out", fieldOut.toString(), "--kernel", kernel).status());
            Cli flagged = Cli.run("cases", flagIn.toString(), "--out", flagOut.toString(), "--kernel", kernel,
                    "--layout", "channels_last", "--threads", "2", "--min-task-work", "1");
            assertEquals(0, flagged.status(), flagged.err());
            assertTrue(flagged.out().contains("layout channels_last"), flagged.out());
            List<String> plain = Files.readAllLines(plainOut), field = Files.readAllLines(fieldOut), flag = Files.readAllLines(flagOut);
            for (int i = 0; i < lines.size(); i++) {
                Map<String, Object> p = parse(plain.get(i)), f = parse(field.get(i)), g = parse(flag.get(i));
                if (p.containsKey("error")) {
                    assertTrue(f.containsKey("error") && g.containsKey("error"), kernel + " case " + i + " declined in one layout only");
                    continue;
                }
                int dims = ((Number) parse(lines.get(i)).get("dims")).intValue();
                int[] yShape = ints(list(p, "y_shape"));
                assertEquals(list(p, "y_shape"), list(f, "y_shape"), "y_shape stays logical");
                assertEquals(list(p, "y_shape"), list(g, "y_shape"), "y_shape stays logical");
                List<Object> expected = channelsLast(list(p, "y"), yShape, yShape.length == dims + 2);
                assertEquals(expected, list(f, "y"), kernel + " case " + i + " with the field");
                assertEquals(expected, list(g, "y"), kernel + " case " + i + " with the flag at 2 threads");
                compared++;
            }
        }
        assertTrue(compared >= lines.size(), "compared " + compared);
    }

    @Test
    void unknownOrOtherRankNamesExitTwoOrAreErrorLines(@TempDir Path dir) throws Exception {
        String line = CasesCommandTest.someGoldenLines().getFirst();
        int dims = ((Number) parse(line).get("dims")).intValue();
        String otherRank = Layout.CHANNELS_LAST.name(dims == 1 ? 2 : 1);
        for (Object layout : List.of("nwhc", otherRank, 2)) {
            Map<String, Object> c = new LinkedHashMap<>(parse(line));
            c.put("layout", layout);
            Path in = dir.resolve("bad.jsonl");
            Files.writeString(in, Json.write(c) + "\n");
            Path out = dir.resolve("out.jsonl");
            Cli r = Cli.run("cases", in.toString(), "--out", out.toString());
            assertEquals(2, r.status(), layout + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("layout"), r.err());
            assertFalse(Files.exists(out), "nothing written for " + layout);
        }
        Path in = dir.resolve("ok.jsonl");
        Files.writeString(in, line + "\n");
        Cli bad = Cli.run("cases", in.toString(), "--out", dir.resolve("o.jsonl").toString(), "--layout", "nwhc");
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().contains("--layout") && bad.err().contains("nwhc"), bad.err());
        // a flag naming another rank's layout: that case's error line
        Path out = dir.resolve("o2.jsonl");
        Cli r = Cli.run("cases", in.toString(), "--out", out.toString(), "--layout", otherRank);
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.readString(out).contains("IllegalArgumentException") && Files.readString(out).contains(otherRank),
                Files.readString(out));
        assertEquals(2, Cli.run("suite", "--quick", "--layers", "dcgan_g4", "--layout", "nwhc").status());
        assertEquals(2, Cli.run("suite", "--quick", "--layers", "dcgan_g4", "--layout", "nchw,nhwc", "--activation", "none,relu").status());
    }

    @Test
    void theSuiteRunsEachLayerPerLayoutAndTotalsThem() {
        Cli r = Cli.run("suite", "--quick", "--layers", "dcgan_g5,dilated_1d", "--kernels", "scatter", "--layout", "nchw,nhwc");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("dcgan_g5@nhwc") && r.out().contains("dilated_1d@nlc"), r.out());
        assertTrue(r.out().contains("layout totals, scatter (2 layers): nchw "), r.out());
        assertEquals(List.of("nchw", "nhwc"), LayoutOption.parseList("t", List.of("NCHW", "nhwc", "nlc")));
    }
}
