package dev.convt.bench;

import dev.convt.Activation;
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

/** The runner's activation bridge: {@code cases}' per-case {@code "activation"} and {@code --activation}, and their errors. */
class ActivationBridgeTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String line) {
        return (Map<String, Object>) Json.parse(line);
    }

    @SuppressWarnings("unchecked")
    private static List<Double> y(String line) {
        List<Double> out = new ArrayList<>();
        for (Object o : (List<Object>) parse(line).get("y")) {
            out.add(((Number) o).doubleValue());
        }
        return out;
    }

    /** The same cases without, with a per-case activation, and with the flag: act(plain output), value by value. */
    @Test
    void theActivationIsAppliedToThePlainOutput(@TempDir Path dir) throws Exception {
        List<String> lines = CasesCommandTest.someGoldenLines().subList(0, 3);
        Path plainIn = dir.resolve("plain.jsonl");
        Files.write(plainIn, lines);
        List<Map<String, Object>> activations = List.of(Map.of("kind", "relu"), Map.of("kind", "leaky_relu", "alpha", 0.25),
                Map.of("kind", "clamp", "min", -0.125, "max", 0.25));
        List<Activation> expected = List.of(Activation.relu(), Activation.leakyRelu(0.25f), Activation.clamp(-0.125f, 0.25f));
        List<String> withAct = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> c = new LinkedHashMap<>(parse(lines.get(i)));
            c.put("activation", activations.get(i));
            withAct.add(Json.write(c));
        }
        Path actIn = dir.resolve("act.jsonl");
        Files.write(actIn, withAct);
        Path plainOut = dir.resolve("plain-out.jsonl"), actOut = dir.resolve("act-out.jsonl"), flagOut = dir.resolve("flag-out.jsonl");
        for (String kernel : dev.convt.Planner.kernelNames()) {
            assertEquals(0, Cli.run("cases", plainIn.toString(), "--out", plainOut.toString(), "--kernel", kernel).status());
            assertEquals(0, Cli.run("cases", actIn.toString(), "--out", actOut.toString(), "--kernel", kernel).status());
            Cli flagged = Cli.run("cases", plainIn.toString(), "--out", flagOut.toString(), "--kernel", kernel, "--activation", "clamp:-inf:0.5");
            assertEquals(0, flagged.status(), flagged.err());
            assertTrue(flagged.out().contains("activation clamp(min=-Infinity, max=0.5)"), flagged.out());
            List<String> plain = Files.readAllLines(plainOut), act = Files.readAllLines(actOut), flag = Files.readAllLines(flagOut);
            for (int i = 0; i < lines.size(); i++) {
                if (parse(plain.get(i)).containsKey("error")) {
                    // a kernel that declines the case (the sub-pixel kernel takes only some geometries) declines it with any activation
                    assertTrue(parse(act.get(i)).containsKey("error") && parse(flag.get(i)).containsKey("error"), kernel + " case " + i);
                    continue;
                }
                List<Double> p = y(plain.get(i)), a = y(act.get(i)), f = y(flag.get(i));
                boolean changed = false;
                for (int j = 0; j < p.size(); j++) {
                    float v = p.get(j).floatValue();
                    assertEquals(expected.get(i).apply(v), a.get(j).floatValue(), kernel + " case " + i + " at " + j);
                    assertEquals(Math.min(v, 0.5f), f.get(j).floatValue(), kernel + " flag, case " + i + " at " + j);
                    changed |= a.get(j).floatValue() != v;
                }
                assertTrue(changed, "case " + i + " has values the activation changes");
            }
        }
    }

    @Test
    void unknownKindsFieldsAndSpellingsExitTwoWithOneLine(@TempDir Path dir) throws Exception {
        String line = CasesCommandTest.someGoldenLines().getFirst();
        List<Object> bad = List.of(Map.of("kind", "gelu"), Map.of("kind", "relu", "alpha", 1), Map.of("kind", "clamp"),
                Map.of("alpha", 0.1), "relu");
        for (Object activation : bad) {
            Map<String, Object> c = new LinkedHashMap<>(parse(line));
            c.put("activation", activation);
            Path in = dir.resolve("bad.jsonl");
            Files.writeString(in, Json.write(c) + "\n");
            Path out = dir.resolve("out.jsonl");
            Cli r = Cli.run("cases", in.toString(), "--out", out.toString());
            assertEquals(2, r.status(), activation + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("activation"), r.err());
            assertFalse(Files.exists(out), "nothing written for " + activation);
        }
        Path in = dir.resolve("ok.jsonl");
        Files.writeString(in, line + "\n");
        for (String flag : List.of("gelu", "clamp:1", "leaky_relu:x", "clamp:2:1", "relu:1")) {
            Cli r = Cli.run("cases", in.toString(), "--out", dir.resolve("o.jsonl").toString(), "--activation", flag);
            assertEquals(2, r.status(), flag + ": " + r.err());
            assertTrue(r.err().contains("--activation"), r.err());
        }
        Cli r = Cli.run("suite", "--quick", "--layers", "dcgan_g4", "--activation", "swish");
        assertEquals(2, r.status(), r.err());
    }

    /** A value the library rejects is that case's error line, as any rejected parameter. */
    @Test
    void aRejectedValueIsAnErrorLine(@TempDir Path dir) throws Exception {
        Map<String, Object> c = new LinkedHashMap<>(parse(CasesCommandTest.someGoldenLines().getFirst()));
        c.put("activation", Map.of("kind", "clamp", "min", 2, "max", 1));
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, Json.write(c) + "\n");
        Path out = dir.resolve("out.jsonl");
        Cli r = Cli.run("cases", in.toString(), "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        String written = Files.readString(out);
        assertTrue(written.contains("IllegalArgumentException") && written.contains("min=2.0, max=1.0"), written);
    }

    @Test
    void optionSpellings() {
        assertEquals(Activation.leakyRelu(0.01f), ActivationOption.parse("t", "leaky_relu"));
        assertEquals(Activation.leakyRelu(0.2f), ActivationOption.parse("t", "LEAKY_RELU:0.2"));
        assertEquals(Activation.clamp(0, 6), ActivationOption.parse("t", "clamp:0:6"));
        assertEquals(Activation.clamp(Float.NEGATIVE_INFINITY, 1), ActivationOption.parse("t", "clamp:-inf:1"));
        assertEquals(List.of(Activation.none(), Activation.relu(), Activation.tanh()),
                ActivationOption.parseList("t", List.of("none", "relu", "tanh", "relu")));
        assertEquals("clamp:0.0:6.0", ActivationOption.label(Activation.clamp(0, 6)));
    }
}
