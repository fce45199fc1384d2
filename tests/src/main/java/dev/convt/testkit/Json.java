package dev.convt.testkit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.jr.ob.JSON;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * JSON for the testkit and the bench runner, through jackson-jr, and the one place where JSON values
 * become the ints, booleans and numbers of a convolution.
 *
 * <p>Reading: objects become {@link java.util.LinkedHashMap} (field order kept), arrays {@link List},
 * numbers written without fraction or exponent {@link Long} (or {@link BigInteger} beyond its range),
 * other numbers {@link Double},
 * plus {@link String}, {@link Boolean} and null. Python's {@code NaN}, {@code Infinity} and
 * {@code -Infinity} tokens are accepted (what {@code json.dumps} writes for non-finite floats), a
 * duplicate field is an error, and nesting deeper than {@link #MAX_DEPTH} is an error rather than a
 * stack overflow. Writing: non-finite numbers are written as those same tokens, so a float output
 * survives a round trip through Python or this class bit for bit.
 */
public final class Json {
    /** The deepest nesting of arrays and objects accepted (the project's files use 3). */
    public static final int MAX_DEPTH = 64;

    private static final JSON JSON_IO = JSON.builder(JsonFactory.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .build();

    private Json() {}

    /**
     * Parses one JSON value.
     *
     * @param text the JSON text
     * @return the value (see the class comment for the types)
     * @throws IllegalArgumentException naming the line and column of the first error, on one line
     */
    public static Object parse(String text) {
        try {
            return longs(JSON_IO.anyFrom(text));
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * As {@link #parse(String)}, from a reader (read to its end, not closed).
     *
     * @param reader the JSON text
     * @return the value
     * @throws IOException if reading fails
     */
    public static Object parse(Reader reader) throws IOException {
        try {
            return longs(JSON_IO.anyFrom(reader));
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    /**
     * Integral numbers as Long, whatever width the parser picked, so readers see one type; walks the
     * tree with an explicit stack (its depth is bounded by {@link #MAX_DEPTH} anyway).
     */
    @SuppressWarnings("unchecked")
    private static Object longs(Object root) {
        if (root instanceof Integer i) {
            return (long) i;
        }
        java.util.ArrayDeque<Object> todo = new java.util.ArrayDeque<>();
        if (root instanceof Map<?, ?> || root instanceof List<?>) {
            todo.push(root);
        }
        while (!todo.isEmpty()) {
            Object node = todo.pop();
            if (node instanceof List<?> l) {
                List<Object> list = (List<Object>) l;
                for (int i = 0; i < list.size(); i++) {
                    Object v = list.get(i);
                    if (v instanceof Integer n) {
                        list.set(i, (long) n);
                    } else if (v instanceof Map<?, ?> || v instanceof List<?>) {
                        todo.push(v);
                    }
                }
            } else {
                for (Map.Entry<String, Object> e : ((Map<String, Object>) node).entrySet()) {
                    Object v = e.getValue();
                    if (v instanceof Integer n) {
                        e.setValue((long) n);
                    } else if (v instanceof Map<?, ?> || v instanceof List<?>) {
                        todo.push(v);
                    }
                }
            }
        }
        return root;
    }

    private static IllegalArgumentException malformed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String what = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
        return new IllegalArgumentException("malformed JSON" + where + ": " + what);
    }

    /**
     * Writes a value made of maps, lists, strings, numbers, booleans, null and int[], long[], float[],
     * double[] on one line. Floats are written in their shortest round-tripping form; NaN and the
     * infinities as {@code NaN}, {@code Infinity}, {@code -Infinity}.
     *
     * @param value the value
     * @return its JSON text
     */
    public static String write(Object value) {
        try {
            return JSON_IO.asString(plain(value));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
        }
    }

    /** float[] and double[] as lists of boxed values, so every number goes through one writer. */
    private static Object plain(Object v) {
        if (v instanceof float[] a) {
            List<Float> l = new ArrayList<>(a.length);
            for (float f : a) {
                l.add(f);
            }
            return l;
        }
        if (v instanceof double[] a) {
            List<Double> l = new ArrayList<>(a.length);
            for (double d : a) {
                l.add(d);
            }
            return l;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> r = new java.util.LinkedHashMap<>();
            m.forEach((k, x) -> r.put(k, plain(x)));
            return r;
        }
        if (v instanceof Collection<?> c) {
            List<Object> l = new ArrayList<>(c.size());
            c.forEach(x -> l.add(plain(x)));
            return l;
        }
        return v;
    }

    // ---- the one coercion from JSON values to the parameters of a convolution ----

    /**
     * An int: a number with an integral value within the int range ({@code 6} or {@code 6.0}; not
     * {@code 6.9}, NaN or the infinities, never truncated). The same rule as the ONNX mapping's
     * attribute map in core ({@code OnnxConvTranspose.attributes}), which takes already-parsed values.
     *
     * @param field the field's name, for the message
     * @param v     the parsed value
     * @return the int
     * @throws IllegalArgumentException naming the field and the value
     */
    public static int integer(String field, Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
            BigInteger b = v instanceof BigInteger big ? big : BigInteger.valueOf(((Number) v).longValue());
            if (b.bitLength() < 32) {
                return b.intValue();
            }
            throw new IllegalArgumentException("field '" + field + "' must be an integer in the int range, but got " + v);
        }
        if (v instanceof Number n && !(v instanceof java.math.BigDecimal)) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE) {
                return (int) d;
            }
            if (d == Math.rint(d)) {
                throw new IllegalArgumentException("field '" + field + "' must be an integer in the int range, but got " + describe(v));
            }
        }
        throw new IllegalArgumentException("field '" + field + "' must be an integer, but got " + describe(v));
    }

    /**
     * An int or a non-empty list of ints (PyTorch's int-or-tuple parameters); a single int gives an
     * array of length 1.
     *
     * @param field the field's name, for the message
     * @param v     the parsed value
     * @return the ints
     */
    public static int[] ints(String field, Object v) {
        if (!(v instanceof List<?> l)) {
            if (v instanceof Number) {
                return new int[] {integer(field, v)};
            }
            throw new IllegalArgumentException("field '" + field + "' must be an int or a list of ints, but got " + describe(v));
        }
        if (l.isEmpty()) {
            throw new IllegalArgumentException("field '" + field + "' must be an int or a non-empty list of ints, but got []");
        }
        int[] r = new int[l.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = integer(field + "[" + i + "]", l.get(i));
        }
        return r;
    }

    /**
     * {@code true} or {@code false}; the string {@code "true"} is not a boolean.
     *
     * @param field the field's name, for the message
     * @param v     the parsed value
     * @return the boolean
     */
    public static boolean bool(String field, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("field '" + field + "' must be true or false, but got " + describe(v));
    }

    /**
     * A string.
     *
     * @param field the field's name, for the message
     * @param v     the parsed value
     * @return the string
     */
    public static String string(String field, Object v) {
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("field '" + field + "' must be a string, but got " + describe(v));
    }

    /**
     * A list of numbers (NaN and the infinities included) as doubles.
     *
     * @param field the field's name, for the message
     * @param v     the parsed value
     * @return the numbers
     */
    public static double[] numbers(String field, Object v) {
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("field '" + field + "' must be a list of numbers, but got " + describe(v));
        }
        double[] r = new double[l.size()];
        for (int i = 0; i < r.length; i++) {
            if (!(l.get(i) instanceof Number n)) {
                throw new IllegalArgumentException("field '" + field + "' must hold numbers, but element " + i + " is " + describe(l.get(i)));
            }
            r[i] = n.doubleValue();
        }
        return r;
    }

    /**
     * As {@link #numbers}, rounded to float32 (exact for values written from float32).
     *
     * @param field the field's name, for the message
     * @param v     the parsed value
     * @return the floats
     */
    public static float[] floats(String field, Object v) {
        double[] d = numbers(field, v);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /**
     * Rejects fields outside {@code known}, so a misspelt field ({@code "stride"} for {@code "s"}) is
     * an error and not a silently applied default.
     *
     * @param object the parsed object
     * @param known  the fields it may have
     * @param what names the object in the message, e.g. {@code "layer dcgan_g2"}, or "" where the caller names it
     */
    public static void requireKnownFields(Map<String, ?> object, Set<String> known, String what) {
        for (String k : object.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException((what.isEmpty() ? "" : what + ": ") + "unknown field '" + k + "'; the fields are "
                        + String.join(", ", new TreeSet<>(known)));
            }
        }
    }

    /** A short rendering of a value for a message: strings quoted, long lists cut. */
    static String describe(Object v) {
        if (v instanceof String s) {
            return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        }
        String text = v == null ? "null" : write(v);
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
