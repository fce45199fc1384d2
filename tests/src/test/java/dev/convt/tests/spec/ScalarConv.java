package dev.convt.tests.spec;

import dev.convt.ConvTransposeSpec;

/**
 * A plain (not transposed) convolution written from its definition, for the properties that relate
 * the two: {@code y[n, ci, o] = Σ_{co in ci's group} Σ_t x[n, co, o·s − pad_begin + t·d] · w[ci, co, t]},
 * reading zeros outside x. Its weight is the transposed convolution's weight {@code (Cin, Cout/g, *k)}
 * read the other way round, which makes it the adjoint of the transposed convolution.
 * Independent of the library's kernels and shape code.
 */
final class ScalarConv {
    private ScalarConv() {}

    /**
     * The output length of a convolution over {@code len} positions (counting window placements
     * {@code o = 0, 1, ...} whose last tap {@code o·s − pb + (k−1)·d} still lies inside the input
     * padded by {@code pe} at the end).
     */
    static int outputLength(int len, int k, int s, int pb, int pe, int d) {
        int count = 0;
        while ((long) count * s - pb + (long) (k - 1) * d <= len - 1 + pe) {
            count++;
        }
        return count;
    }

    /**
     * The convolution of {@code x (N, Cout, *xSpatial)} into {@code (N, Cin, *ySpatial)}, in float64,
     * with the hyper-parameters of {@code spec} (its bias unused).
     */
    static double[] conv(ConvTransposeSpec spec, int batch, double[] x, int[] xSpatial, double[] w, int[] ySpatial) {
        int r = spec.rank();
        int[] xs = pad3(xSpatial, 1), ys = pad3(ySpatial, 1);
        int[] k = pad3(spec.kernelSize(), 1), s = pad3(spec.stride(), 1), pb = pad3(spec.padBegin(), 0), d = pad3(spec.dilation(), 1);
        int cin = spec.inChannels(), cout = spec.outChannels(), g = spec.groups();
        int ciPerG = cin / g, coPerG = cout / g;
        int xPlane = xs[0] * xs[1] * xs[2], yPlane = ys[0] * ys[1] * ys[2], taps = k[0] * k[1] * k[2];
        double[] y = new double[batch * cin * yPlane];
        for (int n = 0; n < batch; n++) {
            for (int ci = 0; ci < cin; ci++) {
                int group = ci / ciPerG;
                for (int o0 = 0; o0 < ys[0]; o0++) {
                    for (int o1 = 0; o1 < ys[1]; o1++) {
                        for (int o2 = 0; o2 < ys[2]; o2++) {
                            double acc = 0;
                            for (int col = 0; col < coPerG; col++) {
                                int co = group * coPerG + col;
                                for (int t0 = 0; t0 < k[0]; t0++) {
                                    int i0 = o0 * s[0] - pb[0] + t0 * d[0];
                                    for (int t1 = 0; t1 < k[1]; t1++) {
                                        int i1 = o1 * s[1] - pb[1] + t1 * d[1];
                                        for (int t2 = 0; t2 < k[2]; t2++) {
                                            int i2 = o2 * s[2] - pb[2] + t2 * d[2];
                                            if (i0 < 0 || i0 >= xs[0] || i1 < 0 || i1 >= xs[1] || i2 < 0 || i2 >= xs[2]) {
                                                continue;
                                            }
                                            double xv = x[(n * cout + co) * xPlane + (i0 * xs[1] + i1) * xs[2] + i2];
                                            double wv = w[(ci * coPerG + col) * taps + (t0 * k[1] + t1) * k[2] + t2];
                                            acc += xv * wv;
                                        }
                                    }
                                }
                            }
                            y[(n * cin + ci) * yPlane + (o0 * ys[1] + o1) * ys[2] + o2] = acc;
                        }
                    }
                }
            }
        }
        if (r < 1 || r > 3) {
            throw new AssertionError(r);
        }
        return y;
    }

    private static int[] pad3(int[] a, int fill) {
        int[] r = {fill, fill, fill};
        System.arraycopy(a, 0, r, 3 - a.length, a.length);
        return r;
    }
}
