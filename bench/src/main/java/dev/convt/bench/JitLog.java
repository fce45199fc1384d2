package dev.convt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the JIT's C2 compiler did in one JVM, read from its {@code -XX:+LogCompilation} file, split
 * into the Vector API's own code (its Java fallback, compiled only because vector code ran before C2
 * had compiled it), convt's code and the rest. Counts do not depend on the machine's load, so cold
 * runs on a busy machine can still be compared by them; the seconds are the compiler thread's wall
 * time per compile, which a busy machine stretches.
 *
 * <p>Also the CPU time of the JVM's compiler threads so far ({@link #compilerCpuMillis}), where the
 * system shows it per thread (Linux {@code /proc}).
 */
final class JitLog {
    private JitLog() {}

    /** The JVM options that make a fresh JVM write its compilation log to {@code file}. */
    static List<String> options(Path file) {
        return List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+LogCompilation", "-XX:LogFile=" + file);
    }

    /** What C2 compiled of one kind of code: compiles, of which on-stack replacements, and seconds. */
    record Kind(int compiles, int osr, double seconds) {
        Kind plus(boolean isOsr, double s) {
            return new Kind(compiles + 1, osr + (isOsr ? 1 : 0), seconds + s);
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("compiles", compiles);
            m.put("osr", osr);
            m.put("seconds", seconds);
            return m;
        }
    }

    /** The kinds of code, in report order. */
    static final List<String> KINDS = List.of("vector_api", "convt", "other");

    private static final Pattern METHOD = Pattern.compile("method='([^' ]*)");
    private static final Pattern LEVEL = Pattern.compile("level='(\\d)'");
    private static final Pattern STAMP = Pattern.compile("stamp='([0-9.]+)'");

    /**
     * C2's compiles in a compilation log, per kind of code ({@link #KINDS}).
     *
     * @throws IllegalStateException if the file cannot be read
     */
    static Map<String, Kind> c2(Path log) {
        String text;
        try {
            text = Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the compilation log " + log + ": " + e.getMessage(), e);
        }
        return c2(text);
    }

    /** As {@link #c2(Path)}, on the log's text. */
    static Map<String, Kind> c2(String text) {
        Map<String, Kind> out = new LinkedHashMap<>();
        for (String k : KINDS) {
            out.put(k, new Kind(0, 0, 0));
        }
        // each compiler thread's tasks, one after another: <task ...> … <task_done .../>
        for (int at = text.indexOf("<task "); at >= 0; ) {
            int tagEnd = text.indexOf('>', at);
            int done = tagEnd < 0 ? -1 : text.indexOf("<task_done ", tagEnd);
            int doneEnd = done < 0 ? -1 : text.indexOf("/>", done);
            if (doneEnd < 0) {
                break; // a log cut short by the JVM's exit
            }
            String task = text.substring(at, tagEnd), finished = text.substring(done, doneEnd);
            at = text.indexOf("<task ", doneEnd);
            Matcher level = LEVEL.matcher(task);
            if (level.find() && !level.group(1).equals("4")) {
                continue; // C1 (levels 1-3); C2's tasks carry level 4 or none
            }
            Matcher method = METHOD.matcher(task);
            Matcher s0 = STAMP.matcher(task), s1 = STAMP.matcher(finished);
            if (!method.find() || !s0.find() || !s1.find()) {
                continue;
            }
            String kind = kind(method.group(1));
            out.put(kind, out.get(kind).plus(task.contains("compile_kind='osr'"),
                    Double.parseDouble(s1.group(1)) - Double.parseDouble(s0.group(1))));
        }
        return out;
    }

    /** The kind of a method's holder class, as the log names it (dots or slashes). */
    static String kind(String holder) {
        String h = holder.replace('/', '.');
        if (h.startsWith("jdk.incubator.vector.") || h.startsWith("jdk.internal.vm.vector.")) {
            return "vector_api";
        }
        return h.startsWith("dev.convt.") && !h.startsWith("dev.convt.bench.") ? "convt" : "other";
    }

    /**
     * CPU milliseconds this JVM's C1 and C2 compiler threads have used so far ({@code "c1"},
     * {@code "c2"}), and all its live threads together ({@code "process"}), from
     * {@code /proc/self/task}; empty where the system does not show them.
     */
    static Map<String, Double> compilerCpuMillis() {
        Map<String, Double> out = new LinkedHashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return out;
        }
        double tick = 1000.0 / 100; // USER_HZ, 100 on every Linux the JDK runs on
        try (var dirs = Files.list(tasks)) {
            for (Path t : dirs.toList()) {
                String comm;
                String stat;
                try {
                    comm = Files.readString(t.resolve("comm")).trim();
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                String key = comm.startsWith("C2 CompilerThre") ? "c2" : comm.startsWith("C1 CompilerThre") ? "c1" : null;
                // fields after the command in parentheses: state is field 3; utime, stime are 14, 15
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double ms = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * tick;
                if (key != null) {
                    out.merge(key, ms, Double::sum);
                }
                out.merge("process", ms, Double::sum);
            }
        } catch (IOException | RuntimeException e) {
            return new LinkedHashMap<>();
        }
        return out;
    }
}
