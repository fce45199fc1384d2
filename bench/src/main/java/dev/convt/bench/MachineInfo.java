package dev.convt.bench;

import dev.convt.Planner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a result was measured on: JDK, CPU, vector width, kernels available, threads. */
final class MachineInfo {
    private MachineInfo() {}

    /** The machine description written under {@code "machine"} in the runner's JSON. */
    static Map<String, Object> describe(int threads) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jdk", System.getProperty("java.version"));
        m.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version") + " (" + System.getProperty("java.vm.vendor") + ")");
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        m.put("vector_species_length", vectorSpeciesLength());
        m.put("vector_bits", vectorSpeciesLength() == null ? null : vectorSpeciesLength() * 32);
        m.put("kernels", Planner.kernelNames());
        m.put("vector_unavailable", Planner.vectorUnavailableReason());
        m.put("threads", threads);
        return m;
    }

    /** One line for people: {@code AMD EPYC 9R14 · 2 cores · JDK 25.0.1 · float vectors of 8 lanes}. */
    static String summary(int threads) {
        Integer lanes = vectorSpeciesLength();
        return cpuModel() + " · " + Runtime.getRuntime().availableProcessors() + " cores · JDK "
                + System.getProperty("java.version") + " · "
                + (lanes == null ? "Vector API not loaded" : "float vectors of " + lanes + " lanes (" + lanes * 32 + " bits)")
                + " · " + threads + " thread" + (threads == 1 ? "" : "s");
    }

    /**
     * The 1-, 5- and 15-minute load averages from {@code /proc/loadavg} (Linux), or null: how busy
     * the machine was while a figure was measured.
     */
    static double[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Load averages as {@code 1.02 0.80 0.55}, or "unknown". */
    static String loadText(double[] load) {
        return load == null ? "unknown" : String.format(java.util.Locale.ROOT, "%.2f %.2f %.2f", load[0], load[1], load[2]);
    }

    /** The CPU model from /proc/cpuinfo (Linux), else the OS architecture. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    int colon = line.indexOf(':');
                    if (colon >= 0) {
                        return line.substring(colon + 1).trim();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: fall through
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }

    /**
     * {@code FloatVector.SPECIES_PREFERRED.length()}, or null when {@code jdk.incubator.vector} is not
     * in the boot layer (the JVM was started without {@code --add-modules jdk.incubator.vector}).
     */
    static Integer vectorSpeciesLength() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            // reflection, so this class compiles and loads without the incubator module
            Object species = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
            return (Integer) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("length").invoke(species);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }
}
