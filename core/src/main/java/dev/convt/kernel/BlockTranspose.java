package dev.convt.kernel;

/**
 * A square block transpose that a kernel lends the layout stage of its plans (the transposes a
 * {@link dev.convt.Plan} runs around a kernel that does not read or write a channels-last
 * {@link dev.convt.Layout} itself, {@link Kernel#readsLayout}, {@link Kernel#writesLayout}): the
 * stage walks each matrix in blocks of {@link #size()} × {@link #size()} and moves every whole block
 * with it, so a vector kernel's stage moves data as fast as the kernel's own vector code can. It only
 * moves values, so every result stays bit for bit the same.
 */
public interface BlockTranspose {
    /** {@return the side of the block, at least 2} */
    int size();

    /**
     * {@code dst[d + i·ds + j] = src[s + j·ss + i]} for {@code i, j < size()}: {@link #size()} source
     * rows at stride {@code ss} written as as many destination rows at stride {@code ds}. The caller
     * guarantees that the whole block lies inside both arrays and that the two do not overlap.
     *
     * @param src the source
     * @param s   where the block's first source row starts
     * @param ss  the distance between two source rows
     * @param dst the destination
     * @param d   where the block's first destination row starts
     * @param ds  the distance between two destination rows
     */
    void transpose(float[] src, int s, int ss, float[] dst, int d, int ds);
}
