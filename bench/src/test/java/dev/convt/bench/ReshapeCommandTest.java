package dev.convt.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code reshape}: a row per layer with both timings and their ratio, the new shape's batch, and its usage errors, one of them a layer too large for the batch sizes the runs need (no timing is asserted). */
class ReshapeCommandTest {

    @Test
    void printsARowPerLayerWithTheNewBatchAndTheRatio(@TempDir Path dir) throws Exception {
        Path layers = dir.resolve("layers.json");
        Files.writeString(layers, """
                {"layers": [
                  {"name": "head", "dims": 2, "N": 2, "Cin": 10, "Cout": 8, "in": [1, 1], "k": [4, 4], "bias": false},
                  {"name": "up", "dims": 1, "N": 1, "Cin": 6, "Cout": 5, "in": [9], "k": [4], "s": [2], "p": [1], "bias": true}
                ]}
                """);
        Cli r = Cli.run("reshape", "--file", layers.toString(), "--reps", "3", "--batch-step", "2");
        assertEquals(0, r.status(), r.err());
        String head = r.out().lines().filter(l -> l.startsWith("head")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        String up = r.out().lines().filter(l -> l.startsWith("up")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        // 3 unmeasured and 3 timed runs, two new batch sizes each, from N + 2
        assertTrue(head.contains("4…15×10×1×1") && head.contains("im2col") && head.contains("%"), head);
        assertTrue(up.contains("3…14×6×9") && up.contains("%"), up);
    }

    /** A layer whose output would not fit a Java array at the last batch size the runs need is a usage error. */
    @Test
    void rejectsRunsWhoseBatchSizesOutgrowTheLayer(@TempDir Path dir) throws Exception {
        Path layers = dir.resolve("layers.json");
        Files.writeString(layers, """
                {"layers": [{"name": "wide", "dims": 1, "N": 1, "Cin": 1, "Cout": 1024, "in": [65536], "k": [1], "bias": false}]}
                """);
        Cli r = Cli.run("reshape", "--file", layers.toString(), "--reps", "30");
        assertEquals(2, r.status(), r.out());
        assertTrue(r.err().contains("layer wide") && r.err().contains("use fewer --reps"), r.err());
    }

    @Test
    void rejectsABadRepetitionCount() {
        Cli r = Cli.run("reshape", "--reps", "0");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--reps must be a positive integer"), r.err());
        assertEquals(0, Cli.run("reshape", "--help").status());
    }
}
