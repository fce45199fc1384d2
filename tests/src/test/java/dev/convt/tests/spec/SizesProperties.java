package dev.convt.tests.spec;

import dev.convt.Sizes;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.math.BigInteger;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Sizes}, the one place of convt's size arithmetic, against exact {@link BigInteger} arithmetic:
 * every result is the exact value, and every value outside its range is an {@link IllegalArgumentException}
 * whose message names the quantity and states the exact value. The examples sit on each limit and one past it.
 */
class SizesProperties {

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    @Property
    void multiplyIsExactOrRejectsWhatALongCannotHold(@ForAll long a, @ForAll long b) {
        BigInteger exact = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
        checkLongResult(exact, () -> Sizes.multiply("q", a, b));
    }

    @Property
    void addIsExactOrRejectsWhatALongCannotHold(@ForAll long a, @ForAll long b) {
        BigInteger exact = BigInteger.valueOf(a).add(BigInteger.valueOf(b));
        checkLongResult(exact, () -> Sizes.add("q", a, b));
    }

    @Property
    void productAndElementsAreExactOrRejected(@ForAll @Size(max = 5) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> dims) {
        int[] d = dims.stream().mapToInt(Integer::intValue).toArray();
        BigInteger exact = BigInteger.ONE;
        for (int v : d) {
            exact = exact.multiply(BigInteger.valueOf(v));
        }
        if (exact.compareTo(LONG_MAX) <= 0) {
            assertEquals(exact.longValueExact(), Sizes.product("t", d));
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.product("t", d));
            assertTrue(e.getMessage().startsWith("t ") && e.getMessage().contains(exact.toString()), e.getMessage());
        }
        if (exact.compareTo(INT_MAX) <= 0) {
            assertEquals(exact.intValueExact(), Sizes.elements("t", d));
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.elements("t", d));
            assertTrue(e.getMessage().startsWith("t ") && e.getMessage().contains(exact.toString()), e.getMessage());
        }
    }

    @Example
    void multiplyAtTheEdgesOfTheLongRange() {
        assertEquals(Long.MAX_VALUE, Sizes.multiply("q", Long.MAX_VALUE, 1));
        assertEquals(-Long.MAX_VALUE, Sizes.multiply("q", Long.MAX_VALUE, -1));
        assertEquals(Long.MIN_VALUE, Sizes.multiply("q", Long.MIN_VALUE, 1));
        assertEquals(Long.MIN_VALUE, Sizes.multiply("q", 1L << 62, -2));
        assertEquals(0, Sizes.multiply("q", Long.MIN_VALUE, 0));
        assertEquals(-6, Sizes.multiply("q", -2, 3));
        assertEquals(-6, Sizes.multiply("q", 2, -3));
        assertEquals(6, Sizes.multiply("q", -2, -3));
        // 2^62 · 2 = 2^63, one past the largest long; its negation is the smallest long, which fits
        assertRejected("q = 4611686018427387904 × 2 = 9223372036854775808", () -> Sizes.multiply("q", 1L << 62, 2));
        assertRejected("9223372036854775808", () -> Sizes.multiply("q", Long.MIN_VALUE, -1));
        // 2^32 · 2^32 = 2^64: the low half is 0, only the high half shows the overflow
        assertRejected("18446744073709551616", () -> Sizes.multiply("q", 1L << 32, 1L << 32));
        assertRejected("-18446744073709551616", () -> Sizes.multiply("q", 1L << 32, -(1L << 32)));
    }

    @Example
    void addAtTheEdgesOfTheLongRange() {
        assertEquals(Long.MAX_VALUE, Sizes.add("q", Long.MAX_VALUE - 1, 1));
        assertEquals(Long.MIN_VALUE, Sizes.add("q", Long.MIN_VALUE + 1, -1));
        assertEquals(-1, Sizes.add("q", Long.MAX_VALUE, Long.MIN_VALUE));
        assertEquals(3, Sizes.add("q", 5, -2));
        assertRejected("q = 9223372036854775807 + 1 = 9223372036854775808", () -> Sizes.add("q", Long.MAX_VALUE, 1));
        assertRejected("-9223372036854775809", () -> Sizes.add("q", Long.MIN_VALUE, -1));
    }

    @Example
    void elementsAtTheArrayLimit() {
        assertEquals(Integer.MAX_VALUE, Sizes.elements("t", Integer.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE, Sizes.elements("t", 1, Integer.MAX_VALUE, 1));
        assertEquals(1, Sizes.elements("t"));
        assertEquals(0, Sizes.elements("t", 3, 0, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
        // 2^16 · 2^15 = 2^31, one past Integer.MAX_VALUE
        assertRejected("t [65536, 32768] has 2147483648 elements", () -> Sizes.elements("t", 65536, 32768));
        // 2^64 wraps to 0 in plain long arithmetic: still rejected with its true size
        assertRejected("18446744073709551616", () -> Sizes.elements("t", 1 << 16, 1 << 16, 1 << 16, 1 << 16));
        assertRejected("18446744073709551616", () -> Sizes.product("t", 1 << 16, 1 << 16, 1 << 16, 1 << 16));
        // 2^62 fits a long; 2^63 does not
        assertEquals(1L << 62, Sizes.product("t", 1 << 30, 1 << 30, 4));
        assertRejected("9223372036854775808", () -> Sizes.product("t", 1 << 30, 1 << 30, 8));
        // a dimension after the product has overflowed is still checked for a negative sign
        assertRejected("negative dimension -1", () -> Sizes.product("t", 1 << 30, 1 << 30, 1 << 30, -1));
        assertRejected("negative dimension -3", () -> Sizes.elements("t", 2, -3));
    }

    @Example
    void toIntKeepsTheClosedRangeFromZeroToTheLimit() {
        assertEquals(0, Sizes.toInt("w", 0));
        assertEquals(Integer.MAX_VALUE, Sizes.toInt("w", Integer.MAX_VALUE));
        assertEquals(7, Sizes.toInt("w", 7, 7));
        assertRejected("w = 8 must be in [0, 7]", () -> Sizes.toInt("w", 8, 7));
        assertRejected("w = -1 must be in [0, 7]", () -> Sizes.toInt("w", -1, 7));
        assertRejected("w = 2147483648 must be in [0, 2147483647]", () -> Sizes.toInt("w", 1L << 31));
    }

    private static void checkLongResult(BigInteger exact, java.util.function.LongSupplier op) {
        if (exact.compareTo(LONG_MIN) >= 0 && exact.compareTo(LONG_MAX) <= 0) {
            assertEquals(exact.longValueExact(), op.getAsLong());
        } else {
            assertRejected(exact.toString(), op::getAsLong);
        }
    }

    private static void assertRejected(String inMessage, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(inMessage), () -> "'" + inMessage + "' not in: " + e.getMessage());
    }
}
