package dev.convt.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plain-text table for people: a header, rows, columns padded to their widest cell, text columns
 * left-aligned and number columns right-aligned.
 */
final class Table {
    private final String[] header;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param columns column titles; a title starting with {@code '>'} marks a right-aligned (number)
     *                column, and the {@code '>'} is not printed
     */
    Table(String... columns) {
        header = new String[columns.length];
        right = new boolean[columns.length];
        for (int i = 0; i < columns.length; i++) {
            right[i] = columns[i].startsWith(">");
            header[i] = right[i] ? columns[i].substring(1) : columns[i];
        }
    }

    /** Adds a row; null cells print empty. */
    void row(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.length + " columns");
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] == null ? "" : cells[i].toString();
        }
        rows.add(r);
    }

    int size() {
        return rows.size();
    }

    void print(PrintStream out) {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        out.println(line(header, width));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        }
        out.println(rule);
        for (String[] r : rows) {
            out.println(line(r, width));
        }
    }

    private String line(String[] cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append("  ");
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            b.append(right[i] ? pad + cells[i] : cells[i] + (i == cells.length - 1 ? "" : pad));
        }
        return b.toString().stripTrailing();
    }

    // ---- number formats shared by the subcommands ----

    /** Milliseconds with about four significant digits. */
    static String ms(double ms) {
        if (Double.isNaN(ms)) {
            return "—";
        }
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", ms);
        }
        if (ms >= 100) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%.2f", ms);
        }
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** A number with a fixed count of decimals, or "—" for NaN. */
    static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** A ratio, e.g. {@code 12.3×}. */
    static String times(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f×" : v >= 10 ? "%.1f×" : "%.2f×", v);
    }

    /** An integer with thousands separators. */
    static String count(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** An absolute error in short scientific form, 0 printed as 0. */
    static String error(double e) {
        if (Double.isNaN(e)) {
            return "—";
        }
        return e == 0 ? "0" : String.format(Locale.ROOT, "%.1e", e);
    }

    /** A shape as {@code 8×512×4×4}. */
    static String shape(int[] s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : "×").append(s[i]);
        }
        return b.toString();
    }
}
