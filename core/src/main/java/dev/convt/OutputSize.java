package dev.convt;

import java.util.Arrays;

/** PyTorch's {@code _output_padding}: the output_padding that yields a requested output size. */
final class OutputSize {
    private OutputSize() {}

    /**
     * @param inputSpatial the input's spatial sizes
     * @param outputSize   spatial sizes, or a full shape whose last {@code rank} entries are spatial
     *                     ((N, Cout, *spatial) or (Cout, *spatial))
     */
    static int[] outputPadding(ConvTransposeSpec spec, int[] inputSpatial, int[] outputSize) {
        int r = spec.rank();
        spec.checkSpatial("input size", inputSpatial);
        if (outputSize == null) {
            throw new IllegalArgumentException("output_size must not be null");
        }
        int[] size = outputSize;
        if (size.length == r + 1 || size.length == r + 2) {
            size = Arrays.copyOfRange(size, size.length - r, size.length);
        } else if (size.length != r) {
            throw new IllegalArgumentException("ConvTranspose" + r + "D: output_size must have " + r + " or "
                    + (r + 1) + " or " + (r + 2) + " elements (got " + outputSize.length + ": " + Arrays.toString(outputSize) + ")");
        }
        long[] min = new long[r];
        long[] max = new long[r];
        for (int d = 0; d < r; d++) {
            min[d] = (long) (inputSpatial[d] - 1) * spec.stride(d) - spec.padBegin(d) - spec.padEnd(d)
                    + (long) spec.dilation(d) * (spec.kernelSize(d) - 1) + 1;
            max[d] = min[d] + spec.stride(d) - 1;
        }
        for (int d = 0; d < r; d++) {
            if (size[d] < min[d] || size[d] > max[d]) {
                throw new IllegalArgumentException("requested an output size of " + Arrays.toString(size)
                        + ", but valid sizes range from " + Arrays.toString(min) + " to " + Arrays.toString(max)
                        + " (for an input of " + Arrays.toString(inputSpatial) + ")");
            }
        }
        int[] pad = new int[r];
        for (int d = 0; d < r; d++) {
            pad[d] = (int) (size[d] - min[d]);
        }
        return pad;
    }
}
