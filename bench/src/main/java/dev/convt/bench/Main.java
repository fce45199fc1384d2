package dev.convt.bench;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The convt bench runner, the project's main job: {@code bench/convt suite | cold | ops | reshape | cases | compare | export | report | jmh}.
 * A user's mistake (unknown option, layer or kernel; a missing or malformed file) prints one line to
 * stderr and exits with status 2; {@code compare} exits 1 when it finds a regression.
 */
public final class Main {
    static final String HELP = """
            usage: bench/convt [COMMAND] [OPTIONS]     (no command: suite)

            commands:
              suite     time every kernel on the 17 published layers, check them against the reference
              cold      cold start in fresh JVMs: plan and first execute per layer, against steady
              ops       the three cost models of each layer (published, exact, dense)
              reshape   what a new batch size costs a layer whose weights are packed, against a full plan
              cases     run PyTorch-golden-format cases through a kernel, write the outputs as JSON lines
              compare   compare two result files (the runner's or JMH's JSON); exit 1 on a regression
              export    a result file in github-action-benchmark's format (history charts, PR alerts)
              report    one self-contained HTML page of charts for a result file, against a base file
              jmh       run the JMH benchmarks (arguments go to JMH, e.g. jmh LayerBenchmark -rf json)

            bench/convt COMMAND --help describes each command.
            """;

    private Main() {}

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            // the library's one-time notices as one plain line, not java.util.logging's two
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%n");
        }
        if (args.length > 0 && args[0].equals("jmh")) {
            // JMH's own command line; it exits by itself
            try {
                org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            } catch (Exception e) {
                System.err.println("jmh: " + e.getMessage());
                System.exit(2);
            }
            return;
        }
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /**
     * Runs one command in process.
     *
     * @return the exit status: 0 success, 1 a regression found by compare (or a failed run), 2 a user mistake
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 || args[0].startsWith("--") && !isHelp(args[0]) ? "suite" : args[0];
        String[] rest = args.length == 0 || !command.equals(args[0]) ? args : Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (command) {
                case "suite" -> SuiteCommand.run(rest, out, err);
                case "cold" -> ColdCommand.run(rest, out, err);
                case "ops" -> OpsCommand.run(rest, out, err);
                case "reshape" -> ReshapeCommand.run(rest, out, err);
                case "cases" -> CasesCommand.run(rest, out, err);
                case "compare" -> CompareCommand.run(rest, out, err);
                case "export" -> ExportCommand.run(rest, out, err);
                case "report" -> ReportCommand.run(rest, out, err);
                case "help", "--help", "-h" -> {
                    out.print(HELP);
                    yield 0;
                }
                case "jmh" -> throw new UsageException("jmh runs only from the launcher: bench/convt jmh [JMH options]");
                default -> throw new UsageException("unknown command '" + command + "'; the commands are suite, cold, ops, reshape, cases, compare, export, report, jmh (bench/convt --help)");
            };
        } catch (UsageException e) {
            err.println("convt: " + e.getMessage());
            return 2;
        } catch (OutOfMemoryError e) {
            err.println("convt: out of memory (" + e.getMessage() + "); give the JVM more heap, e.g. JAVA_TOOL_OPTIONS=-Xmx8g");
            return 1;
        }
    }

    private static boolean isHelp(String a) {
        return a.equals("--help") || a.equals("-h");
    }
}
