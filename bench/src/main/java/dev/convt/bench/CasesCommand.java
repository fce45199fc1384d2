package dev.convt.bench;

import dev.convt.Parallelism;
import dev.convt.Planner;
import dev.convt.testkit.Json;
import dev.convt.testkit.PyTorchCase;
import dev.convt.kernel.KernelChoice;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
            usage: bench/convt cases IN.jsonl --out OUT.jsonl [--kernel NAME] [--threads N] [--min-task-work M]
                                     [--activation KIND[:params]] [--layout NAME] [--memory heap|native]

            Reads one case per line in the format of shared/conformance/pytorch-golden.jsonl (module
            parameters, input_shape, output_size, x, weight, bias_values; see that folder's README),
            runs each through the kernel (default: auto, the planner's choice), and writes one line
            per case to OUT.jsonl, in the input's order:
              {"id": ..., "y_shape": [...], "y": [...]}                       the output, float32 values
              {"id": ..., "error": {"type": ..., "message": ...}}            where convt rejects the case
                                                                            or the kernel fails on it
            A case may also carry "activation": {"kind": "relu" | "leaky_relu" | "clamp" | "tanh" |
            "sigmoid" | "none", "alpha": A (leaky_relu; default 0.01), "min": MIN, "max": MAX (clamp;
            at least one)}: y is then act(conv + bias), as the layer followed by torch.relu,
            F.leaky_relu(negative_slope=A), torch.clamp, torch.tanh or torch.sigmoid. An unknown
            kind or field exits 2; a value the library rejects (NaN alpha, min > max) is an error line.
            A case may carry "layout": "nchw" | "nhwc" (dims 2), "ncl" | "nlc" (dims 1), "ncdhw" |
            "ndhwc" (dims 3): x is then stored in that layout, and so is the y written for it, while
            input_shape and y_shape stay PyTorch's logical (N, C, *spatial) shapes; the weights keep
            PyTorch's (C_in, C_out/groups, *kernel) layout. An unknown name, or another rank's, exits 2.
            Fields such as y and y64 in the input are ignored: compare them with the output yourself.
            Numbers may be Python's NaN, Infinity and -Infinity; non-finite outputs are written the
            same way (json.loads reads them back exactly). The input is checked first (JSON syntax,
            field names and types): a mistake there exits 2 before anything is computed or written.
            Exit status 1 if the kernel failed on some case (their error lines are written too).

              --out FILE     where to write (required)
              --kernel NAME  auto (default) or one of the available kernels
              --threads N    threads per case (default 1; above 1, convt's own worker pool): the
                             output is the same, bit for bit, at any thread count
              --min-task-work M
                             least multiply-adds per parallel task (default: the library's, which
                             keeps small cases on one thread; 1 splits every case as far as its
                             kernel splits anything, to check that splitting changes nothing)
              --activation KIND[:params]
                             the activation of every case without an "activation" field of its own:
                             none, relu, tanh, sigmoid, leaky_relu[:ALPHA] or clamp:MIN:MAX
              --layout NAME  the layout of every case without a "layout" field of its own:
                             channels_first (default) or channels_last, or a name of the cases'
                             rank (nchw, nhwc, ncl, nlc, ncdhw, ndhwc; another rank's is an error line)
              --memory M     where each case's x and y live while the kernel runs: heap (heap
                             MemorySegments) or native (off-heap MemorySegments); default float[]s.
                             The output is the same, bit for bit
            """;

    private CasesCommand() {}

    /** Computes one case's output; the runner's is a plan of the chosen kernel. */
    @FunctionalInterface
    interface Compute {
        float[] output(PyTorchCase c);
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        return run(argv, out, err, null);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with the computation given (null: the chosen kernel's plan). */
    static int run(String[] argv, PrintStream out, PrintStream err, Compute compute) {
        Args a = new Args("cases", argv, Set.of("out", "kernel", "threads", "min-task-work", "activation", "layout", "memory"), Set.of("help"));
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
        List<Integer> threadCounts = ThreadCounts.parse(a, "cases");
        if (threadCounts.size() != 1) {
            throw new UsageException("cases: --threads takes one thread count, but got " + threadCounts);
        }
        Parallelism parallelism = ThreadCounts.parallelism(threadCounts.getFirst());
        if (a.option("min-task-work") != null) {
            parallelism = parallelism.withMinTaskWork(a.intOption("min-task-work", 1));
        }
        Parallelism par = parallelism;
        dev.convt.Activation activation = a.option("activation") == null ? dev.convt.Activation.none()
                : ActivationOption.parse("cases", a.option("activation"));
        String layout = a.option("layout");
        if (layout != null) {
            try {
                dev.convt.Layout.parse(layout);
            } catch (IllegalArgumentException e) {
                throw new UsageException("cases: --layout: " + e.getMessage());
            }
        }
        MemoryOption memory = MemoryOption.parse("cases", a.option("memory"));
        Compute computation = compute != null ? compute : c -> {
            MemoryOption.Buffers buffers = memory.buffers(c.x(), c.problem().outputLength());
            buffers.execute(Planner.plan(c.problem(), c.weight(), 0, c.bias(), 0, choice).withParallelism(par));
            return buffers.output();
        };
        Path outFile = Path.of(outName);
        if (!Files.isRegularFile(in)) {
            throw new UsageException("cases: cannot read " + in + ": no such file");
        }
        int cases = checkInput(in);

        int computed = 0;
        int rejected = 0;
        int failed = 0;
        Path dir = outFile.toAbsolutePath().getParent();
        // the output appears whole or not at all: written beside it, then moved; created without
        // explicit permissions, so it follows the umask like any file the user makes
        Path tmp = dir.resolve("." + outFile.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UsageException("cannot write " + outFile + ": " + Workload.describe(e));
        }
        try (BufferedReader r = Files.newBufferedReader(in);
             BufferedWriter w = Files.newBufferedWriter(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> result = runCase(parseLine(in, lineNo, line), activation, layout, computation);
                if (!result.containsKey("error")) {
                    computed++;
                } else if (isRejection(result)) {
                    rejected++;
                } else {
                    failed++;
                }
                w.write(Json.write(result));
                w.write('\n');
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UsageException("cannot read " + in + " or write " + outFile + ": " + Workload.describe(e));
        } catch (RuntimeException | Error e) {
            deleteQuietly(tmp);
            throw e;
        }
        try {
            Files.move(tmp, outFile, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UsageException("cannot write " + outFile + ": " + Workload.describe(e));
        }
        out.println("cases: " + cases + " read from " + in + ", " + computed + " computed, " + rejected
                + " rejected by convt" + (failed > 0 ? ", " + failed + " failed in the kernel" : "") + "; kernel " + kernel
                + (par.threads() == 1 ? "" : ", " + par.threads() + " threads")
                + (activation.isNone() ? "" : "; activation " + activation + " where a case has none")
                + (layout == null ? "" : "; layout " + layout + " where a case has none")
                + "; wrote " + outFile);
        if (failed > 0) {
            err.println("convt: the kernel failed on " + failed + " case(s); see their error lines in " + outFile);
            return 1;
        }
        return 0;
    }

    /**
     * The first pass: every non-blank line is a JSON object whose fields have the format's names and
     * types. A mistake is the user's: one line naming the file and line, before anything is computed.
     *
     * @return the number of cases
     */
    private static int checkInput(Path in) {
        int cases = 0;
        int lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(in)) {
            String line;
            while ((line = readLine(r, in, lineNo + 1)) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> json = parseLine(in, lineNo, line);
                try {
                    PyTorchCase.checkFormat(json);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(in + " line " + lineNo + " (case " + PyTorchCase.id(json) + "): " + e.getMessage());
                }
                cases++;
            }
        } catch (IOException e) {
            throw new UsageException("cannot read " + in + ": " + Workload.describe(e));
        }
        return cases;
    }

    private static String readLine(BufferedReader r, Path in, int lineNo) throws IOException {
        try {
            return r.readLine();
        } catch (OutOfMemoryError e) {
            throw new UsageException(in + " line " + lineNo + " is too long to read with a heap of "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MB; give the JVM more heap, e.g. JAVA_TOOL_OPTIONS=-Xmx8g");
        }
    }

    private static Map<String, Object> parseLine(Path in, int lineNo, String line) {
        Object v;
        try {
            v = Json.parse(line);
        } catch (IllegalArgumentException e) {
            throw new UsageException(in + " line " + lineNo + ": " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new UsageException(in + " line " + lineNo + " is too big to parse with a heap of "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MB; give the JVM more heap, e.g. JAVA_TOOL_OPTIONS=-Xmx8g");
        }
        if (!(v instanceof Map<?, ?>)) {
            throw new UsageException(in + " line " + lineNo + ": expected a JSON object (one case per line)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    /** Whether an error line is the library declining the case (bad parameters, unsupported), not a kernel failure. */
    private static boolean isRejection(Map<String, Object> result) {
        Object type = ((Map<?, ?>) result.get("error")).get("type");
        return REJECTIONS.contains(String.valueOf(type));
    }

    private static final Set<String> REJECTIONS = Set.of("IllegalArgumentException", "UnsupportedOperationException",
            "FormatException");

    /**
     * The output line of one case: its output, or an error line with the exception's type and message,
     * whatever the library or the kernel throws (running out of memory or stack on one case included),
     * so one case never costs the others.
     *
     * @param activation the activation of a case without an {@code "activation"} field
     * @param layout     the layout name ({@code --layout}) of a case without a {@code "layout"} field, or null
     *                   for channels first; a name of another rank than the case's is an error line
     */
    static Map<String, Object> runCase(Map<String, Object> json, dev.convt.Activation activation, String layout, Compute compute) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", PyTorchCase.id(json));
        try {
            PyTorchCase c = PyTorchCase.of(json, activation, layout == null ? dev.convt.Layout.CHANNELS_FIRST
                    : dev.convt.Layout.parse(layout, ((Number) json.get("dims")).intValue()));
            float[] y = compute.output(c);
            result.put("y_shape", c.problem().outputShape());
            result.put("y", y);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError | AssertionError e) {
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
