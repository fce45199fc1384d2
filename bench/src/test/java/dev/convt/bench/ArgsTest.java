package dev.convt.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument parsing, and user mistakes reported as one line and exit status 2. */
class ArgsTest {

    @Test
    void parsesValuedOptionsFlagsAndPositionals() {
        Args a = new Args("x", new String[] {"in.json", "--layers", "a,b,,c", "--quick", "--json=out.json", "more"},
                Set.of("layers", "json"), Set.of("quick"));
        assertEquals(List.of("a", "b", "c"), a.listOption("layers"));
        assertTrue(a.flag("quick"));
        assertFalse(a.flag("json-missing"));
        assertEquals("out.json", a.option("json"));
        assertEquals(List.of("in.json", "more"), a.positional());
    }

    @Test
    void rejectsUnknownRepeatedAndMalformedOptions() {
        Set<String> valued = Set.of("threads", "layers");
        Set<String> flags = Set.of("quick");
        assertThrows(UsageException.class, () -> new Args("x", new String[] {"--nope"}, valued, flags));
        assertThrows(UsageException.class, () -> new Args("x", new String[] {"--threads"}, valued, flags));
        assertThrows(UsageException.class, () -> new Args("x", new String[] {"--threads", "--quick"}, valued, flags));
        assertThrows(UsageException.class, () -> new Args("x", new String[] {"--quick=yes"}, valued, flags));
        assertThrows(UsageException.class, () -> new Args("x", new String[] {"--quick", "--quick"}, valued, flags));
        assertThrows(UsageException.class, () -> new Args("x", new String[] {"--threads", "0"}, valued, flags).intOption("threads", 1));
        assertThrows(UsageException.class, () -> new Args("x", new String[] {"--threads", "two"}, valued, flags).intOption("threads", 1));
        assertThrows(UsageException.class, () -> new Args("x", new String[] {"--layers", ","}, valued, flags).listOption("layers"));
        assertEquals(3, new Args("x", new String[] {"--threads", "3"}, valued, flags).intOption("threads", 1));
    }

    @Test
    void userMistakesPrintOneLineAndExit2() throws Exception {
        Path bad = Files.createTempFile("convt-bad", ".json");
        Files.writeString(bad, "{\"layers\": [ {\"name\": \"x\", ");
        Path badLayer = Files.createTempFile("convt-badlayer", ".json");
        Files.writeString(badLayer, "{\"layers\": [{\"name\": \"odd\", \"dims\": 1, \"Cin\": 3, \"Cout\": 4, \"in\": [5], \"k\": [3], \"g\": 2}]}");
        String[][] mistakes = {
                {"nonsense"},
                {"suite", "--bogus"},
                {"suite", "--layers", "no_such_layer"},
                {"suite", "--kernels", "no_such_kernel"},
                {"suite", "--kernels", "gather"},
                {"suite", "--threads", "0"},
                {"suite", "--threads", "-1"},
                {"suite", "--threads", "1,x"},
                {"suite", "--threads", "257"},
                {"cases", "in.jsonl", "--out", "o.jsonl", "--threads", "1,2"},
                {"suite", "stray"},
                {"suite", "--forks", "-1"},
                {"suite", "--forks", "many"},
                {"cold", "--layers", "no_such_layer"},
                {"cold", "--bogus"},
                {"cold", "stray"},
                {"cold", "--forks", "-2"},
                {"ops", "--file", bad.toString()},
                {"ops", "--file", badLayer.toString()},
                {"ops", "--file", "/no/such/file.json"},
                {"ops", "--layers", "no_such_layer"},
                {"cases"},
                {"cases", "/no/such/cases.jsonl", "--out", "/tmp/x.jsonl"},
                {"cases", bad.toString()},
                {"compare", "only-one.json"},
                {"compare", "/no/such/a.json", "/no/such/b.json"},
                {"compare", bad.toString(), bad.toString()},
                {"compare", "a.json", "b.json", "--max-regression", "lots"},
        };
        for (String[] args : mistakes) {
            Cli r = Cli.run(args);
            String what = String.join(" ", args);
            assertEquals(2, r.status(), what + " → " + r.err());
            assertEquals(1, r.errLines().length, what + " should print one line, printed: " + r.err());
            assertTrue(r.err().startsWith("convt: "), what + " → " + r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), what + " printed a stack trace: " + r.err());
        }
    }

    @Test
    void messagesSayWhatIsWrong() {
        assertTrue(Cli.run("suite", "--layers", "no_such_layer").err().contains("unknown layer 'no_such_layer'"));
        assertTrue(Cli.run("suite", "--layers", "no_such_layer").err().contains("dcgan_g2"), "lists the known layers");
        assertTrue(Cli.run("suite", "--kernels", "no_such_kernel").err().contains("unknown kernel 'no_such_kernel'"));
        assertTrue(Cli.run("suite", "--threads", "0").err().contains("--threads takes thread counts from 1 to 256 (e.g. 2 or 1,2), but got '0'"));
        assertTrue(Cli.run("suite", "--bogus").err().contains("unknown option --bogus"));
        assertTrue(Cli.run("ops", "--file", "/no/such/file.json").err().contains("no such file"));
    }

    @Test
    void helpForEveryCommandExits0() {
        for (String[] args : new String[][] {{"--help"}, {"help"}, {"suite", "--help"}, {"cold", "--help"}, {"ops", "--help"},
                {"cases", "--help"}, {"compare", "--help"}}) {
            Cli r = Cli.run(args);
            assertEquals(0, r.status(), String.join(" ", args));
            assertTrue(r.out().startsWith("usage: bench/convt"), String.join(" ", args) + " → " + r.out());
            assertEquals("", r.err());
        }
    }
}
