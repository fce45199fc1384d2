package dev.convt;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Size arithmetic that cannot overflow, in one place: every product and sum of sizes, strides, pads
 * and offsets that convt computes for shapes, buffers, plans, workspaces and packed weights goes
 * through here. Values are combined exactly (in {@code long}, checked); a result beyond its limit is
 * an {@link IllegalArgumentException} naming the quantity, its exact value and the limit, thrown
 * before anything is allocated or written.
 */
public final class Sizes {
    private Sizes() {}

    /** The most elements a tensor, a weight or a plan structure may hold: the largest Java array index + 1. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE;

    /**
     * The number of elements of a shape, {@code Π dims}, checked against {@link #MAX_ELEMENTS}.
     *
     * @param what names the tensor in the message (e.g. {@code "the output tensor"})
     * @param dims the dimensions
     * @return the product, in {@code [0, MAX_ELEMENTS]} (0 if any dimension is 0)
     * @throws IllegalArgumentException if a dimension is negative or the product exceeds the limit
     */
    public static int elements(String what, int... dims) {
        long n = exactOrMinusOne(what, dims);
        if (n < 0 || n > MAX_ELEMENTS) {
            throw new IllegalArgumentException(what + " " + Arrays.toString(dims) + " has " + exactProduct(dims)
                    + " elements, more than a Java array holds (" + MAX_ELEMENTS + ")");
        }
        return (int) n;
    }

    /**
     * {@code Π dims} as a {@code long}, exact.
     *
     * @param what names the shape in the message
     * @param dims the dimensions
     * @return the product, {@code >= 0}
     * @throws IllegalArgumentException if a dimension is negative or the product exceeds {@code Long.MAX_VALUE}
     */
    public static long product(String what, int... dims) {
        long n = exactOrMinusOne(what, dims);
        if (n < 0) {
            throw new IllegalArgumentException(what + " " + Arrays.toString(dims) + " has " + exactProduct(dims)
                    + " elements, more than " + Long.MAX_VALUE + " (the largest long)");
        }
        return n;
    }

    /** The exact product, or −1 if it passes {@code Long.MAX_VALUE}; a zero dimension makes it 0. */
    private static long exactOrMinusOne(String what, int[] dims) {
        long n = 1;
        boolean over = false;
        for (int v : dims) {
            if (v < 0) {
                throw new IllegalArgumentException(what + " " + Arrays.toString(dims) + " has a negative dimension " + v
                        + " (dimensions must be non-negative)");
            }
            if (v == 0) {
                return 0;
            }
            if (!over) {
                long lo = n * v;
                // n and v are positive: the product fits a long exactly when the high half is 0 and the sign bit clear
                if (Math.multiplyHigh(n, v) != 0 || lo < 0) {
                    over = true;
                } else {
                    n = lo;
                }
            }
        }
        return over ? -1 : n;
    }

    /**
     * {@code a · b}, exact.
     *
     * @param what names the product in the message
     * @param a    a factor
     * @param b    the other factor
     * @return {@code a · b}
     * @throws IllegalArgumentException naming {@code what} if the product leaves the {@code long} range
     */
    public static long multiply(String what, long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        throw new IllegalArgumentException(what + " = " + a + " × " + b + " = "
                + BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)) + " is outside the range of a long");
    }

    /**
     * {@code a + b}, exact.
     *
     * @param what names the sum in the message
     * @param a    a term
     * @param b    the other term
     * @return {@code a + b}
     * @throws IllegalArgumentException naming {@code what} if the sum leaves the {@code long} range
     */
    public static long add(String what, long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            throw new IllegalArgumentException(what + " = " + a + " + " + b + " = "
                    + BigInteger.valueOf(a).add(BigInteger.valueOf(b)) + " is outside the range of a long");
        }
        return r;
    }

    /**
     * Narrows a count of elements to an {@code int}.
     *
     * @param what  names the quantity (e.g. {@code "the packed weights (floats)"})
     * @param value the count
     * @param limit the largest value allowed
     * @return {@code value} as an {@code int}
     * @throws IllegalArgumentException if {@code value} is negative or exceeds {@code limit}
     */
    public static int toInt(String what, long value, int limit) {
        if (value < 0 || value > limit) {
            throw new IllegalArgumentException(what + " = " + value + " must be in [0, " + limit + "]");
        }
        return (int) value;
    }

    /**
     * {@link #toInt(String, long, int)} with the limit {@link #MAX_ELEMENTS}.
     *
     * @param what  names the quantity in the message
     * @param value the count
     * @return {@code value} as an {@code int}
     * @throws IllegalArgumentException if {@code value} is negative or exceeds {@link #MAX_ELEMENTS}
     */
    public static int toInt(String what, long value) {
        return toInt(what, value, MAX_ELEMENTS);
    }

    private static BigInteger exactProduct(int[] dims) {
        BigInteger p = BigInteger.ONE;
        for (int v : dims) {
            p = p.multiply(BigInteger.valueOf(v));
        }
        return p;
    }
}
