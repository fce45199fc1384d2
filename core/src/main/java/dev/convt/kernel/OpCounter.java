package dev.convt.kernel;

/**
 * Receives the arithmetic a counting kernel really performs. The reference kernel calls it where it
 * multiplies and where it adds; {@link #NONE} (the default) ignores the calls.
 */
public interface OpCounter {
    /**
     * Counts multiplications.
     *
     * @param n how many, ≥ 0
     */
    void multiplications(long n);

    /**
     * Counts additions.
     *
     * @param n how many, ≥ 0
     */
    void additions(long n);

    /** {@return whether counts are wanted at all; kernels skip the bookkeeping when not} */
    default boolean enabled() { return true; }

    /** The counter that counts nothing. */
    OpCounter NONE = new OpCounter() {
        @Override public void multiplications(long n) {}
        @Override public void additions(long n) {}
        @Override public boolean enabled() { return false; }
    };

    /** A plain tally. Not thread-safe. */
    final class Tally implements OpCounter {
        private long multiplications;
        private long additions;

        /** A tally at zero. */
        public Tally() {}

        @Override public void multiplications(long n) { multiplications += n; }
        @Override public void additions(long n) { additions += n; }
        /** {@return the multiplications counted so far} */
        public long multiplications() { return multiplications; }
        /** {@return the additions counted so far} */
        public long additions() { return additions; }
        /** {@return multiplications plus additions} */
        public long total() { return multiplications + additions; }

        @Override public String toString() {
            return "Tally[multiplications=" + multiplications + ", additions=" + additions + "]";
        }
    }
}
