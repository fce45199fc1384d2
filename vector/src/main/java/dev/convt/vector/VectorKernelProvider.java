package dev.convt.vector;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.convt.kernel.Kernel;
import dev.convt.kernel.KernelProvider;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Provides the Vector API kernels where they can work, following Lucene's
 * {@code VectorizationProvider}: {@code jdk.incubator.vector} readable, HotSpot with C2, a preferred
 * float species of at least 128 bits. This class itself touches no Vector API type until those
 * checks pass, so it loads on any JVM.
 */
public final class VectorKernelProvider implements KernelProvider {
    private static final String ENABLE = "run java with --add-modules jdk.incubator.vector on a HotSpot JVM with C2 (the default server VM)";

    /** Called by {@link java.util.ServiceLoader}. */
    public VectorKernelProvider() {}

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String unavailableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the module jdk.incubator.vector is not readable; " + ENABLE;
        }
        String vm = System.getProperty("java.vm.name", "");
        if (!vm.contains("HotSpot") && !vm.contains("OpenJDK")) {
            return "the JVM '" + vm + "' is not HotSpot, whose C2 compiler the Vector API needs to be fast; " + ENABLE;
        }
        String why = c2Reason();
        if (why != null) {
            return why + "; " + ENABLE;
        }
        try {
            return Species.reason();
        } catch (LinkageError e) {
            return "the Vector API failed to load (" + e + "); " + ENABLE;
        }
    }

    private static String c2Reason() {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (bean == null) {
                return null;
            }
            if ("false".equals(bean.getVMOption("UseCompiler").getValue())) {
                return "the JIT is off (-Xint)";
            }
            String tiered = bean.getVMOption("TieredCompilation").getValue();
            int stop = Integer.parseInt(bean.getVMOption("TieredStopAtLevel").getValue());
            if ("true".equals(tiered) && stop < 4) {
                return "C2 is off (-XX:TieredStopAtLevel=" + stop + ")";
            }
        } catch (IllegalArgumentException | UnsupportedOperationException | SecurityException e) {
            return null; // a VM without these flags: judged by the other checks
        }
        return null;
    }

    @Override
    public List<Kernel> kernels() {
        // narrowest automatic rule first: sub-pixel (large strides), then scatter (grouped, few channels)
        return List.of(new dev.convt.vector.subpixel.SubpixelKernel(), new ScatterKernel(), new Im2colKernel());
    }

    /** Holds the only Vector API references of this class, reached after the module check. */
    private static final class Species {
        /** Why the configured vector cannot serve (a bad override, or under 128 bits), or null. */
        static String reason() {
            int preferred = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
            if (preferred < 128) {
                return "the preferred float vector is " + preferred + " bits, below the 128 these kernels need";
            }
            try {
                VectorConfig.bits(System.getProperty(VectorConfig.BITS_PROPERTY), preferred);
                VectorConfig.registers(System.getProperty(VectorConfig.REGISTERS_PROPERTY), "", preferred);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            } catch (ExceptionInInitializerError e) {
                // the first touch of VectorConfig runs its initialiser, which reads the same properties:
                // give the user the rule it broke, not the wrapper
                if (e.getCause() instanceof IllegalArgumentException bad) {
                    return bad.getMessage();
                }
                throw e;
            }
            return null;
        }
    }
}
