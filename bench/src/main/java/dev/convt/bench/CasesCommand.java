package dev.convt.bench;

import dev.convt.Plan;
import dev.convt.Planner;
import dev.convt.internal.Json;
import dev.convt.internal.PyTorchCase;
import dev.convt.kernel.KernelChoice;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench/convt cases}: runs test cases in the format of {@code shared/conformance/pytorch-golden.jsonl}
 * through one kernel and writes the outputs, one JSON line per case. It judges nothing: it is the
 * bridge for checking convt against anyone's own PyTorch dumps.
 */
final class CasesCommand {
    static final String HELP = """
            usage: bench/convt cases IN.jsonl --out OUT.jsonl [--kernel NAME]

            Reads one case per line in the format of shared/conformance/pytorch-golden.jsonl (module
            parameters, input_shape, output_size, x, weight, bias_values; see that folder's README),
            runs each through the kernel (default: auto, the planner's choice), and writes one line
            per case to OUT.jsonl:
              {"id": ..., "y_shape": [...], "y": [...]}                       the output, float32 values
              {"id": ..., "error": {"type": ..., "message": ...}}            where convt rejects the case
            Fields such as y and y64 in the input are ignored: compare them with the output yourself.

              --out FILE     where to write (required)
              --kernel NAME  auto (default) or one of the available kernels
            """;

    private CasesCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args a = new Args("cases", argv, Set.of("out", "kernel"), Set.of("help"));
        if (a.flag("help")) {
            out.print(HELP);
            return 0;
        }
        Path in = Path.of(a.positional(1, "one input file (bench/convt cases IN.jsonl --out OUT.jsonl)").getFirst());
        String outName = a.option("out");
        if (outName == null) {
            throw new UsageException("cases: --out OUT.jsonl is required");
        }
        String kernel = a.option("kernel", SuiteCommand.AUTO).toLowerCase(java.util.Locale.ROOT);
        SuiteCommand.kernels(List.of(kernel)); // validates the name
        KernelChoice choice = kernel.equals(SuiteCommand.AUTO) ? KernelChoice.AUTO : KernelChoice.parse(kernel);
        Path outFile = Path.of(outName);
        if (!Files.isRegularFile(in)) {
            throw new UsageException("cases: cannot read " + in + ": no such file");
        }

        int computed = 0;
        int rejected = 0;
        int lineNo = 0;
        Path tmp;
        try {
            Path dir = outFile.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".cases-", ".jsonl");
        } catch (IOException e) {
            throw new UsageException("cannot write " + outFile + ": " + Workload.describe(e));
        }
        try (BufferedReader r = Files.newBufferedReader(in); BufferedWriter w = Files.newBufferedWriter(tmp)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> json = parseLine(in, lineNo, line);
                Map<String, Object> result = runCase(json, choice);
                if (result.containsKey("error")) {
                    rejected++;
                } else {
                    computed++;
                }
                w.write(Json.write(result));
                w.write('\n');
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UsageException("cannot read " + in + " or write " + outFile + ": " + Workload.describe(e));
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
        try {
            Files.move(tmp, outFile, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UsageException("cannot write " + outFile + ": " + Workload.describe(e));
        }
        out.println("cases: " + (computed + rejected) + " read from " + in + ", " + computed + " computed, " + rejected
                + " rejected by convt; kernel " + kernel + "; wrote " + outFile);
        return 0;
    }

    private static Map<String, Object> parseLine(Path in, int lineNo, String line) {
        Object v;
        try {
            v = Json.parse(line);
        } catch (IllegalArgumentException e) {
            throw new UsageException(in + " line " + lineNo + ": " + e.getMessage());
        }
        if (!(v instanceof Map<?, ?>)) {
            throw new UsageException(in + " line " + lineNo + ": expected a JSON object (one case per line)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    /** The output line of one case: its output, or the library's rejection. */
    static Map<String, Object> runCase(Map<String, Object> json, KernelChoice choice) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", PyTorchCase.id(json));
        try {
            PyTorchCase c = PyTorchCase.of(json);
            Plan plan = Planner.plan(c.problem(), c.weight(), 0, c.bias(), 0, choice);
            float[] y = plan.execute(c.x());
            result.put("y_shape", c.problem().outputShape());
            result.put("y", y);
        } catch (IllegalArgumentException | UnsupportedOperationException | ArithmeticException e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("type", e.getClass().getSimpleName());
            error.put("message", String.valueOf(e.getMessage()));
            result.put("error", error);
        }
        return result;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover temp file is harmless
        }
    }
}
