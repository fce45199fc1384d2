package dev.convt.bench;

import dev.convt.Parallelism;
import dev.convt.kernel.ReferenceKernel;

import java.util.ArrayList;
import java.util.List;

/**
 * The runner's {@code --threads N} or {@code --threads 1,2}: the thread counts to run, and the row
 * labels that carry a thread count through the suite's tables and forks ({@code "im2col"} at one
 * thread, {@code "im2col ×2"} at two). JSON results name the kernel and the threads separately.
 */
final class ThreadCounts {
    private ThreadCounts() {}

    private static final String MARK = " ×";

    /** The {@code --threads} values, ascending without repeats; {@code [1]} when absent. */
    static List<Integer> parse(Args a, String command) {
        List<String> items = a.listOption("threads");
        if (items == null) {
            return List.of(1);
        }
        List<Integer> counts = new ArrayList<>();
        for (String s : items) {
            int t;
            try {
                t = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                t = 0;
            }
            if (t < 1 || t > Parallelism.MAX_THREADS) {
                throw new UsageException(command + ": --threads takes thread counts from 1 to " + Parallelism.MAX_THREADS
                        + " (e.g. 2 or 1,2), but got '" + s + "'");
            }
            if (!counts.contains(t)) {
                counts.add(t);
            }
        }
        counts.sort(null);
        return counts;
    }

    /** The parallelism of a thread count: the calling thread alone at 1, else convt's own pool. */
    static Parallelism parallelism(int threads) {
        return Parallelism.threads(threads);
    }

    /** The row label of a kernel at a thread count. */
    static String label(String kernel, long threads) {
        return threads == 1 ? kernel : kernel + MARK + threads;
    }

    /** The kernel of a row label. */
    static String kernel(String label) {
        int i = label.indexOf(MARK);
        return i < 0 ? label : label.substring(0, i);
    }

    /** The thread count of a row label. */
    static int threads(String label) {
        int i = label.indexOf(MARK);
        return i < 0 ? 1 : Integer.parseInt(label.substring(i + MARK.length()));
    }

    /**
     * Each kernel at each thread count, thread counts of one kernel side by side (so their ratio
     * is measured under the same load). The serial reference runs at one thread only.
     */
    static List<String> expand(List<String> kernels, List<Integer> counts) {
        List<String> out = new ArrayList<>();
        for (String k : kernels) {
            if (k.equals(ReferenceKernel.NAME)) {
                out.add(k);
                continue;
            }
            for (int t : counts) {
                out.add(label(k, t));
            }
        }
        return out;
    }
}
