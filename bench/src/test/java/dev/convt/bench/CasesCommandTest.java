package dev.convt.bench;

import dev.convt.internal.Json;
import dev.convt.internal.PyTorchCase;
import dev.convt.kernel.ReferenceKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cases}: golden-format cases in, one output line per case out. */
class CasesCommandTest {
    private static final double U = 0x1p-24;

    /** The first few cases of shared/conformance/pytorch-golden.jsonl, plus one the library must reject. */
    private static List<String> someGoldenLines() throws Exception {
        Path golden = SharedFiles.require("conformance/pytorch-golden.jsonl");
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(golden)) {
            String line;
            while (lines.size() < 6 && (line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String line) {
        return (Map<String, Object>) Json.parse(line);
    }

    @Test
    void roundTripsGoldenCases(@TempDir Path dir) throws Exception {
        List<String> lines = someGoldenLines();
        Map<String, Object> bad = new LinkedHashMap<>(parse(lines.getFirst()));
        bad.put("id", "rejected_groups");
        bad.put("groups", 5L); // in_channels is not divisible by 5
        List<String> input = new ArrayList<>(lines);
        input.add("");
        input.add(Json.write(bad));
        Path in = dir.resolve("in.jsonl");
        Files.write(in, input);

        for (String kernel : new String[] {"reference", "auto"}) {
            Path out = dir.resolve("out-" + kernel + ".jsonl");
            Cli r = Cli.run("cases", in.toString(), "--out", out.toString(), "--kernel", kernel);
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains(lines.size() + " computed, 1 rejected"), r.out());
            List<String> written = Files.readAllLines(out);
            assertEquals(lines.size() + 1, written.size());
            for (int i = 0; i < lines.size(); i++) {
                Map<String, Object> golden = parse(lines.get(i));
                Map<String, Object> got = parse(written.get(i));
                assertEquals(golden.get("id"), got.get("id"));
                assertEquals(golden.get("y_shape"), got.get("y_shape"), (String) golden.get("id"));
                float[] y = floats(got.get("y"));
                PyTorchCase c = PyTorchCase.of(golden);
                assertEquals(c.y64().length, y.length);
                for (int j = 0; j < y.length; j++) {
                    double[] e = OutputCheck.element(c.problem(), c.x(), c.weight(), c.bias(), j);
                    double bound = 2 * e[2] * U * e[1] + (c.bias() == null ? 0 : Math.abs(c.bias()[j / c.problem().outputPlane() % c.problem().spec().outChannels()]) * U);
                    assertTrue(Math.abs(y[j] - c.y64()[j]) <= bound, golden.get("id") + " y[" + j + "] = " + y[j] + ", PyTorch float64 " + c.y64()[j]);
                }
                if (kernel.equals("reference")) {
                    // the text written parses back to exactly the floats the reference computed
                    float[] ref = new float[c.problem().outputLength()];
                    ReferenceKernel.compute(c.problem(), c.x(), 0, c.weight(), 0, c.bias(), 0, ref, 0);
                    assertArrayEquals(ref, y, (String) golden.get("id"));
                }
            }
            Map<String, Object> rejected = parse(written.getLast());
            assertEquals("rejected_groups", rejected.get("id"));
            @SuppressWarnings("unchecked")
            Map<String, Object> error = (Map<String, Object>) rejected.get("error");
            assertEquals("IllegalArgumentException", error.get("type"));
            assertTrue(((String) error.get("message")).contains("groups"), error.toString());
        }
    }

    @Test
    void malformedLineIsAUserMistake(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"id\": \"a\"}\n{not json\n");
        Path out = dir.resolve("out.jsonl");
        Cli r = Cli.run("cases", in.toString(), "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("line 2"), r.err());
        assertTrue(Files.notExists(out), "nothing written for a malformed file");
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }
}
