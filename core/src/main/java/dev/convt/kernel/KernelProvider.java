package dev.convt.kernel;

import java.util.List;

/**
 * A source of kernels found with {@link java.util.ServiceLoader} (the vector module provides one).
 * A provider must load on any JVM and say, without touching code that cannot work there, whether
 * its kernels can run.
 */
public interface KernelProvider {
    /** {@return a short name for messages, e.g. {@code "vector"}} */
    String name();

    /**
     * Why this provider's kernels cannot run on this JVM, with how to enable them, or {@code null}
     * if they can.
     *
     * @return the reason (with the flag or option that enables them), or {@code null}
     */
    String unavailableReason();

    /**
     * The kernels, in the order the automatic choice should try them. Called only when available.
     *
     * @return the kernels, first tried first
     */
    List<Kernel> kernels();
}
