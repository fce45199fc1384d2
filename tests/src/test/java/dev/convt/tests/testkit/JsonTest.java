package dev.convt.tests.testkit;

import dev.convt.onnx.OnnxConvTranspose;
import dev.convt.testkit.Json;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The testkit's JSON: jackson-jr with Python's non-finite tokens, bounded depth, and the one int coercion. */
class JsonTest {

    @Test
    void integersAreLongsAndNonFiniteTokensAreRead() {
        assertEquals(List.of(1L, 2.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 12345678901L),
                Json.parse("[1, 2.5, NaN, Infinity, -Infinity, 12345678901]"));
        assertEquals(Map.of("a", List.of(Map.of("b", 3L))), Json.parse("{\"a\": [{\"b\": 3}]}"));
    }

    @Test
    void floatsAndNonFiniteValuesSurviveARoundTripBitForBit() {
        float[] values = {0.1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, 1 / 3f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        String text = Json.write(values);
        assertFalse(text.contains("null") || text.contains("\"NaN\""), text);
        float[] back = Json.floats("y", Json.parse(text));
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.floatToIntBits(values[i]), Float.floatToIntBits(back[i]), text);
        }
    }

    @Test
    void malformedTextIsOneLineNamingWhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": [1,\n 2,, 3]}"));
        assertTrue(e.getMessage().startsWith("malformed JSON at line 2"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1, \"a\": 2}"), "a duplicate field");
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(100_000)));
        assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
        Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH));
    }

    @Test
    void theIntCoercionTakesIntegralValuesOnlyAndNamesTheField() {
        assertEquals(6, Json.integer("k", 6L));
        assertEquals(6, Json.integer("k", 6.0));
        assertEquals(-2147483648, Json.integer("k", -2147483648L));
        assertArrayEquals(new int[] {3}, Json.ints("k", 3L));
        assertArrayEquals(new int[] {3, 4}, Json.ints("k", List.of(3L, 4L)));
        for (Object bad : new Object[] {6.9, Double.NaN, Double.POSITIVE_INFINITY, 2147483648L, 1e10, "6", true, null,
                new BigInteger("99999999999999999999")}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.integer("kernel_size", bad), String.valueOf(bad));
            assertTrue(e.getMessage().startsWith("field 'kernel_size' must be an integer"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.ints("stride", List.of(1L, 2.5)));
        assertTrue(e.getMessage().contains("'stride[1]'") && e.getMessage().contains("2.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.ints("stride", List.of()));
        assertThrows(IllegalArgumentException.class, () -> Json.bool("bias", "true"));
    }

    /** One rule: the testkit's coercion accepts exactly the values the ONNX mapping's attribute map accepts. */
    @Test
    void theCoercionAgreesWithTheOnnxMapping() {
        List<Object> values = new ArrayList<>(Arrays.asList(1L, 2, 3.0, 2.5, -1L, Double.NaN, Double.NEGATIVE_INFINITY, 4294967298L,
                3e9, -3e9, (short) 2, "2", true, List.of(2L)));
        for (Object v : values) {
            boolean json = accepts(() -> Json.integer("group", v));
            boolean onnx = accepts(() -> OnnxConvTranspose.attributes(Map.of("group", v)));
            assertEquals(onnx, json, "group = " + v + " (" + v.getClass().getSimpleName() + ")");
        }
    }

    private static boolean accepts(Runnable r) {
        try {
            r.run();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
