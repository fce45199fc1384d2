package dev.convt.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the runner again in a fresh JVM, as JMH's forks do: the same {@code java}, the same JVM
 * options (module flags, {@code -XX} flags, system properties) and the same class path or jar, with
 * other arguments. A fresh JVM is the only way to see cold start, and the only way to tell a
 * figure from the state one JVM's JIT happened to reach.
 */
final class Forks {
    /** The hidden option that tells a command it runs as fork {@code i/K} of a parent runner. */
    static final String CHILD_OPTION = "fork-child";

    private Forks() {}

    /** The command line that starts this runner in a fresh JVM with {@code args}. */
    static List<String> command(List<String> args) {
        return command(List.of(), args);
    }

    /** As {@link #command(List)}, with more JVM options after this JVM's own. */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // a debugger agent would try to listen on the parent's port; JAVA_TOOL_OPTIONS reach the child by the environment
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp") && !toolOptions().contains(a)) {
                cmd.add(a);
            }
        }
        cmd.addAll(jvmOptions);
        String classPath = System.getProperty("java.class.path");
        String launched = System.getProperty("sun.java.command", "");
        if (!classPath.contains(java.io.File.pathSeparator) && classPath.endsWith(".jar") && launched.startsWith(classPath)) {
            cmd.add("-jar"); // started with -jar: keep the manifest's settings
            cmd.add(classPath);
        } else {
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(Main.class.getName());
        }
        cmd.addAll(args);
        return cmd;
    }

    private static List<String> toolOptions() {
        String t = System.getenv("JAVA_TOOL_OPTIONS");
        return t == null || t.isBlank() ? List.of() : List.of(t.trim().split("\\s+"));
    }

    /**
     * Runs {@code args} in a fresh JVM whose stderr is this one's and whose stdout is discarded, and
     * waits for it.
     *
     * @throws IllegalStateException if it cannot start or exits with a non-zero status
     */
    static void run(List<String> args, String what) {
        run(List.of(), args, what);
    }

    /** As {@link #run(List, String)}, with more JVM options for the fresh JVM. */
    static void run(List<String> jvmOptions, List<String> args, String what) {
        ProcessBuilder pb = new ProcessBuilder(command(jvmOptions, args));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null")));
        int status;
        try {
            Process p = pb.start();
            status = p.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException(what + ": cannot start a JVM (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + ": interrupted", e);
        }
        if (status != 0) {
            throw new IllegalStateException(what + " failed (exit status " + status + "; its messages are above)");
        }
    }

    /** A temporary file for a child's JSON, deleted when this JVM exits. */
    static Path tempJson(String prefix) {
        return tempFile(prefix, ".json");
    }

    /** A temporary file, deleted when this JVM exits. */
    static Path tempFile(String prefix, String suffix) {
        try {
            Path f = Files.createTempFile(prefix, suffix);
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary file: " + e.getMessage(), e);
        }
    }
}
