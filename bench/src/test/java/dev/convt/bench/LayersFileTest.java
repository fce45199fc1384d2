package dev.convt.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A layers file (--file) with a mistake in it: one line naming the mistake, exit 2, for every command that reads one. */
class LayersFileTest {
    static final String GOOD = "{\"name\": \"l\", \"Cin\": 2, \"Cout\": 3, \"in\": [5], \"k\": [3], \"s\": 2, \"bias\": false}";

    private static void mistake(Path dir, String text, String... words) throws Exception {
        Path f = dir.resolve("layers.json");
        Files.writeString(f, text);
        for (String command : new String[] {"ops", "suite"}) {
            Cli r = command.equals("ops") ? Cli.run("ops", "--file", f.toString())
                    : Cli.run("suite", "--file", f.toString(), "--kernels", "reference", "--json", dir.resolve("r.json").toString());
            assertEquals(2, r.status(), command + ": " + r.err());
            assertEquals(1, r.errLines().length, command + ": " + r.err());
            for (String w : words) {
                assertTrue(r.err().contains(w), command + ": " + r.err());
            }
        }
    }

    private static String layers(String layer) {
        return "{\"layers\": [" + layer + "]}";
    }

    @Test
    void aGoodFileRuns(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("layers.json");
        Files.writeString(f, layers(GOOD));
        Cli r = Cli.run("ops", "--file", f.toString());
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void aMisspeltFieldIsRejectedNotIgnored(@TempDir Path dir) throws Exception {
        mistake(dir, layers(GOOD.replace("\"s\": 2", "\"stride\": 2")), "layer l", "unknown field 'stride'");
        mistake(dir, "{\"layer\": [" + GOOD + "]}", "unknown field 'layer'");
    }

    @Test
    void nonIntegralNumbersWhereIntegersBelong(@TempDir Path dir) throws Exception {
        mistake(dir, layers(GOOD.replace("\"k\": [3]", "\"k\": [6.9]")), "field 'k[0]' must be an integer", "6.9");
        mistake(dir, layers(GOOD.replace("\"Cin\": 2", "\"Cin\": 2.5")), "field 'Cin' must be an integer");
        mistake(dir, layers(GOOD.replace("\"s\": 2", "\"s\": NaN")), "field 's' must be an integer");
        mistake(dir, layers(GOOD.replace("\"s\": 2", "\"s\": 4294967298")), "int range");
    }

    @Test
    void aStringWhereABooleanBelongs(@TempDir Path dir) throws Exception {
        mistake(dir, layers(GOOD.replace("\"bias\": false", "\"bias\": \"true\"")), "field 'bias' must be true or false");
    }

    @Test
    void deepNestingIsAMistakeNotAStackOverflow(@TempDir Path dir) throws Exception {
        mistake(dir, "[".repeat(100_000), "nesting depth");
    }

    @Test
    void aFileTooBigForTheHeapIsAMistake(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("huge.json");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(JsonFiles.maxFileBytes() + 1); // sparse: no disk used
        }
        for (String[] args : new String[][] {{"ops", "--file", f.toString()}, {"compare", f.toString(), f.toString()}}) {
            Cli r = Cli.run(args);
            assertEquals(2, r.status(), r.err());
            assertEquals(1, r.errLines().length, r.err());
            assertTrue(r.err().contains("too big"), r.err());
        }
    }
}
