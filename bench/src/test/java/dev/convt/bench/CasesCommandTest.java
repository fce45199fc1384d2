package dev.convt.bench;

import dev.convt.testkit.Json;
import dev.convt.testkit.PyTorchCase;
import dev.convt.Planner;
import dev.convt.kernel.KernelChoice;
import dev.convt.kernel.ReferenceKernel;
import dev.convt.testkit.ErrorBound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
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
    /** The first few PyTorch golden cases of the repository's conformance subset. */
    static List<String> someGoldenLines() throws Exception {
        Path golden = RepoFiles.path("tests/src/test/resources/conformance/pytorch-golden-subset.jsonl.gz");
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(golden)), StandardCharsets.UTF_8))) {
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

    /** The output file is the same, byte for byte, at 1 and 2 threads, with every case split as far as its kernel splits. */
    @Test
    void twoThreadsWriteTheSameBytes(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.write(in, someGoldenLines());
        for (String kernel : Planner.kernelNames()) {
            Path one = dir.resolve(kernel + "-1.jsonl"), two = dir.resolve(kernel + "-2.jsonl");
            Cli r1 = Cli.run("cases", in.toString(), "--out", one.toString(), "--kernel", kernel, "--threads", "1");
            Cli r2 = Cli.run("cases", in.toString(), "--out", two.toString(), "--kernel", kernel, "--threads", "2", "--min-task-work", "1");
            assertEquals(0, r1.status(), r1.err());
            assertEquals(0, r2.status(), r2.err());
            assertTrue(r2.out().contains("2 threads"), r2.out());
            assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two), kernel);
        }
    }

    @Test
    void roundTripsGoldenCases(@TempDir Path dir) throws Exception {
        List<String> lines = someGoldenLines();
        Map<String, Object> bad = new LinkedHashMap<>(parse(lines.getFirst()));
        bad.put("id", "rejected_groups");
        bad.put("groups", 5); // in_channels is not divisible by 5
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
                String why = ErrorBound.check(c.problem(), c.x(), c.weight(), c.bias(), y, c.y64());
                assertTrue(why == null, golden.get("id") + ": " + why);
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
        userMistake(dir, someGoldenLines().getFirst() + "\n{not json\n", "line 2");
    }

    /** Input of the given text: exit 2, one line on stderr containing {@code word}, nothing computed or written. */
    static void userMistake(Path dir, String text, String word) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, text);
        Path out = dir.resolve("out.jsonl");
        Cli r = Cli.run("cases", in.toString(), "--out", out.toString());
        assertEquals(2, r.status(), r.err());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().contains(word), r.err());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(in), files.toList(), "nothing written for a malformed file");
        }
    }

    /** The first golden line with one field replaced by raw JSON text. */
    private static String withField(String field, String rawValue) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>(parse(someGoldenLines().getFirst()));
        m.put(field, "@@");
        return Json.write(m).replace("\"@@\"", rawValue) + "\n";
    }

    @Test
    void deepNestingIsAUserMistakeNotAStackOverflow(@TempDir Path dir) throws Exception {
        userMistake(dir, "[".repeat(100_000) + "\n", "nesting depth");
    }

    @Test
    void unknownFieldsAreUserMistakes(@TempDir Path dir) throws Exception {
        userMistake(dir, withField("strides", "2"), "unknown field 'strides'");
    }

    @Test
    void nonIntegralNumbersWhereIntegersBelongAreUserMistakes(@TempDir Path dir) throws Exception {
        userMistake(dir, withField("kernel_size", "[6.9]"), "kernel_size[0]");
        userMistake(dir, withField("groups", "1.5"), "groups");
        userMistake(dir, withField("stride", "NaN"), "stride");
    }

    @Test
    void stringsWhereBooleansBelongAreUserMistakes(@TempDir Path dir) throws Exception {
        userMistake(dir, withField("bias", "\"true\""), "bias");
    }

    @Test
    void aKernelThrowingAnythingGivesAnErrorLineAndEveryOtherCaseIsKept(@TempDir Path dir) throws Exception {
        List<String> lines = someGoldenLines();
        Path in = dir.resolve("in.jsonl");
        Files.write(in, lines);
        Path out = dir.resolve("out.jsonl");
        String victim = (String) parse(lines.get(2)).get("id");
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(), e = new java.io.ByteArrayOutputStream();
        int status = CasesCommand.run(new String[] {in.toString(), "--out", out.toString()}, new java.io.PrintStream(o, true),
                new java.io.PrintStream(e, true), c -> {
                    if (c.id().equals(victim)) {
                        throw new NegativeArraySizeException("-4");
                    }
                    return Planner.plan(c.problem(), c.weight(), 0, c.bias(), 0, KernelChoice.REFERENCE).execute(c.x());
                });
        assertEquals(1, status, "a kernel failure is not the user's mistake: " + e);
        List<String> written = Files.readAllLines(out);
        assertEquals(lines.size(), written.size(), "a line for every case");
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> got = parse(written.get(i));
            assertEquals(parse(lines.get(i)).get("id"), got.get("id"));
            if (i == 2) {
                assertEquals(Map.of("type", "NegativeArraySizeException", "message", "-4"), got.get("error"));
            } else {
                assertTrue(got.containsKey("y"), written.get(i));
            }
        }
        assertTrue(o.toString().contains("1 failed in the kernel"), o.toString());
    }

    @Test
    void nonFiniteInputsAreReadAndNonFiniteOutputsWrittenLosslessly(@TempDir Path dir) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>(parse(someGoldenLines().getFirst()));
        @SuppressWarnings("unchecked")
        List<Object> x = new ArrayList<>((List<Object>) m.get("x"));
        x.set(0, Double.NaN);
        x.set(1, Double.POSITIVE_INFINITY);
        x.set(2, Double.NEGATIVE_INFINITY);
        m.put("x", x);
        String line = Json.write(m);
        assertTrue(line.contains("NaN") && line.contains("-Infinity"), "written as Python's tokens: " + line.substring(0, 200));
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, line + "\n");
        Path out = dir.resolve("out.jsonl");
        Cli r = Cli.run("cases", in.toString(), "--out", out.toString(), "--kernel", "reference");
        assertEquals(0, r.status(), r.err());
        String text = Files.readString(out);
        assertTrue(text.contains("NaN") && !text.contains("null"), "non-finite outputs as tokens, not null");
        PyTorchCase c = PyTorchCase.of(parse(line));
        float[] expected = new float[c.problem().outputLength()];
        ReferenceKernel.compute(c.problem(), c.x(), 0, c.weight(), 0, c.bias(), 0, expected, 0);
        float[] y = floats(parse(text.strip()).get("y"));
        assertEquals(expected.length, y.length);
        for (int i = 0; i < y.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(y[i]), "y[" + i + "] = " + y[i] + " vs " + expected[i]);
        }
    }

    @Test
    void theOutputFileFollowsTheUmask(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.write(in, someGoldenLines().subList(0, 1));
        Path out = dir.resolve("out.jsonl");
        assertEquals(0, Cli.run("cases", in.toString(), "--out", out.toString()).status());
        Path control = Files.writeString(dir.resolve("control.txt"), "made like any file the user makes");
        assertEquals(Files.getPosixFilePermissions(control), Files.getPosixFilePermissions(out));
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
