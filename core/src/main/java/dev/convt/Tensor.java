package dev.convt;

import java.util.Arrays;
import java.util.Objects;

/**
 * A small dense float32 tensor: a shape and its row-major values. The array is shared, not copied:
 * {@link #data()} is the live backing store.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    /**
     * Wraps {@code data} as a tensor of the given shape, without copying the values.
     *
     * @param shape the dimensions, outermost first (PyTorch's order, e.g. {@code (N, C, H, W)}); copied
     * @param data  the row-major values, {@code Π shape} of them; kept, not copied
     * @throws IllegalArgumentException if a dimension is negative or the data length is not Π shape
     *                                  (computed exactly: a product past the long range is rejected, never wrapped)
     */
    public Tensor(int[] shape, float[] data) {
        this.shape = Objects.requireNonNull(shape, "shape").clone();
        this.data = Objects.requireNonNull(data, "data");
        for (int v : shape) {
            if (v < 0) {
                throw new IllegalArgumentException("tensor dimensions must be non-negative, but got shape " + Arrays.toString(shape));
            }
        }
        long n = Sizes.product("the tensor shape", this.shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " values, but data has " + data.length);
        }
    }

    /**
     * A zero tensor of the given shape.
     *
     * @param shape the dimensions, outermost first
     * @return a new tensor over a new zero-filled array of {@code Π shape} floats
     * @throws IllegalArgumentException if a dimension is negative or Π shape exceeds {@link Sizes#MAX_ELEMENTS}
     */
    public static Tensor zeros(int... shape) {
        Objects.requireNonNull(shape, "shape");
        for (int v : shape) {
            if (v < 0) {
                throw new IllegalArgumentException("tensor dimensions must be non-negative, but got shape " + Arrays.toString(shape));
            }
        }
        return new Tensor(shape, new float[Sizes.elements("the tensor shape", shape)]);
    }

    /** {@return a copy of the dimensions, outermost first} */
    public int[] shape() { return shape.clone(); }

    /** {@return the number of dimensions (the rank), 0 for a scalar} */
    public int dim() { return shape.length; }

    /**
     * The extent of one dimension.
     *
     * @param d the dimension, {@code 0 <= d < dim()}
     * @return {@code shape()[d]}
     * @throws ArrayIndexOutOfBoundsException if {@code d} is outside {@code [0, dim())}
     */
    public int size(int d) { return shape[d]; }

    /** {@return the backing array itself (row-major, live: writes through it change this tensor)} */
    public float[] data() { return data; }

    /** {@return the number of elements, {@code Π shape} (the length of {@link #data()})} */
    public int numel() { return data.length; }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + (data.length <= 16 ? Arrays.toString(data) : "");
    }
}
