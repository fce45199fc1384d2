package dev.convt;

import java.util.Locale;
import java.util.Objects;

/**
 * How the input and output tensors of a {@link Problem} are stored in memory, as oneDNN's
 * {@code nchw}/{@code nhwc} format tags and XNNPACK's (channels-last) layout say it. The weights are
 * not affected: they stay in PyTorch's {@code (Cin, Cout/groups, *kernel)} layout in every case.
 *
 * <p>Shapes are always reported logically, as PyTorch does ({@code (N, C, *spatial)} whatever the
 * layout: {@link Problem#inputShape()}, {@link Problem#outputShape()}); the layout only says where the
 * element {@code (n, c, *s)} is stored, and the buffer lengths are the same in both layouts. A
 * problem's layout applies to its input and its output alike ({@link Problem#withLayout}).
 *
 * <p>The names of the three ranks parse to the same two constants ({@link #parse(String)}):
 * {@code "ncl"}, {@code "nchw"}, {@code "ncdhw"} are {@link #CHANNELS_FIRST}, and {@code "nlc"},
 * {@code "nhwc"}, {@code "ndhwc"} are {@link #CHANNELS_LAST}.
 */
public enum Layout {
    /**
     * PyTorch's default: {@code (N, C, *spatial)} row-major, so one channel's plane is contiguous
     * (NCL, NCHW, NCDHW); element {@code (n, c, s)} at {@code (n·C + c)·P + s}, with {@code P} the
     * positions of one plane and {@code s} the row-major spatial index.
     */
    CHANNELS_FIRST("ncl", "nchw", "ncdhw"),
    /**
     * Channels last: {@code (N, *spatial, C)} row-major, so one position's channels are contiguous
     * (NLC, NHWC, NDHWC; PyTorch's {@code torch.channels_last}, XNNPACK's layout); element
     * {@code (n, c, s)} at {@code (n·P + s)·C + c}.
     */
    CHANNELS_LAST("nlc", "nhwc", "ndhwc");

    /** The names by spatial rank, 1 to 3. */
    private final String[] names;

    /**
     * Whether a tensor of {@code channels} channels with {@code positions} positions each is the same
     * memory in both layouts (one channel, or one position per channel), so a kernel or a stage has
     * nothing to move between them.
     *
     * @param channels  channels per image
     * @param positions positions per channel (the plane)
     * @return whether {@code channels == 1 || positions == 1}
     */
    public static boolean storedAlike(int channels, int positions) {
        return channels == 1 || positions == 1;
    }

    Layout(String... names) {
        this.names = names;
    }

    /**
     * The layout's name for a spatial rank, as oneDNN spells its format tags.
     *
     * @param rank the number of spatial dimensions, 1 to 3
     * @return {@code "ncl"}, {@code "nchw"} or {@code "ncdhw"} (channels first); {@code "nlc"},
     *         {@code "nhwc"} or {@code "ndhwc"} (channels last)
     * @throws IllegalArgumentException if the rank is not 1, 2 or 3
     */
    public String name(int rank) {
        if (rank < 1 || rank > 3) {
            throw new IllegalArgumentException("rank must be 1, 2 or 3, but got " + rank);
        }
        return names[rank - 1];
    }

    /**
     * The layout named {@code name}, of any rank: {@code "ncl"}, {@code "nchw"}, {@code "ncdhw"} or
     * {@code "channels_first"}, and {@code "nlc"}, {@code "nhwc"}, {@code "ndhwc"} or
     * {@code "channels_last"}, in any case.
     *
     * @param name the layout's name
     * @return the layout
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if the name is none of those, naming the value and the accepted names
     */
    public static Layout parse(String name) {
        Objects.requireNonNull(name, "layout");
        String s = name.trim().toLowerCase(Locale.ROOT);
        for (Layout l : values()) {
            if (s.equals(l.name().toLowerCase(Locale.ROOT))) {
                return l;
            }
            for (String n : l.names) {
                if (s.equals(n)) {
                    return l;
                }
            }
        }
        throw new IllegalArgumentException("layout must be one of ncl, nlc, nchw, nhwc, ncdhw, ndhwc, channels_first or "
                + "channels_last, but got '" + name + "'");
    }

    /**
     * {@link #parse(String)} for a problem of the given spatial rank: a rank-specific name must be the
     * one of that rank ({@code "nhwc"} names a 2-D layout and is rejected for a 1-D problem, whose
     * channels-last layout is {@code "nlc"}); {@code "channels_first"} and {@code "channels_last"}
     * fit every rank.
     *
     * @param name the layout's name
     * @param rank the problem's number of spatial dimensions, 1 to 3
     * @return the layout
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if the name is unknown, the rank is not 1 to 3, or the name is
     *                                  another rank's (the message gives the right name)
     */
    public static Layout parse(String name, int rank) {
        Layout l = parse(name);
        String expected = l.name(rank);
        String s = name.trim().toLowerCase(Locale.ROOT);
        if (!s.equals(expected) && !s.equals(l.name().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("layout '" + name + "' is for " + (s.length() - 2) + " spatial dimension(s), "
                    + "but the problem has " + rank + ": use '" + expected + "' (or '" + l.name().toLowerCase(Locale.ROOT) + "')");
        }
        return l;
    }
}
