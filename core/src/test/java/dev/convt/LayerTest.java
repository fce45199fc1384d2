package dev.convt;

import dev.convt.kernel.ReferenceKernel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PyTorch-style layers: parameters, initialisation, the forward entries, plan reuse. */
class LayerTest {

    @Test
    void shortConstructorsHavePyTorchsDefaults() {
        ConvTranspose1d l1 = new ConvTranspose1d(3, 4, 5);
        assertEquals(ConvTransposeSpec.builder1d(3, 4, 5).build(), l1.spec());
        assertArrayEquals(new int[] {3, 4, 5}, l1.weight().shape());
        assertArrayEquals(new int[] {4}, l1.bias().shape());
        assertEquals(ConvTransposeSpec.builder2d(3, 4, 5).build(), new ConvTranspose2d(3, 4, 5).spec());
        assertEquals(ConvTransposeSpec.builder(3, 3, 4, 5).build(), new ConvTranspose3d(3, 4, 5).spec());
    }

    @Test
    void fullConstructorAndBuilderMirrorPyTorch() {
        ConvTranspose2d a = new ConvTranspose2d(4, 6, 3, 2, 1, 1, 2, false, 1, "zeros", 7);
        ConvTranspose2d b = ConvTranspose2d.builder(4, 6, 3, 3).stride(2).padding(1).outputPadding(1).groups(2)
                .bias(false).dilation(1).paddingMode("zeros").seed(7).build();
        assertEquals(a.spec(), b.spec());
        assertArrayEquals(new int[] {4, 3, 3, 3}, a.weight().shape());
        assertNull(a.bias());
        assertArrayEquals(a.weight().data(), b.weight().data());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConvTranspose2d(4, 6, 3, 1, 0, 0, 1, true, 1, "circular", 0));
        assertTrue(e.getMessage().contains("Only \"zeros\" padding mode is supported for ConvTranspose2d"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose1d(ConvTransposeSpec.builder2d(1, 1, 1).build(), 0));
    }

    @Test
    void initialisationIsUniformWithinPyTorchsBound() {
        ConvTranspose2d layer = ConvTranspose2d.builder(8, 12, 3).groups(4).seed(3).build();
        double bound = Math.sqrt(4.0 / (12 * 9));
        assertEquals(bound, ConvTransposeNd.initBound(layer.spec()), 1e-15);
        float[] all = concat(layer.weight().data(), layer.bias().data());
        double sum = 0, sumSq = 0, max = 0;
        for (float v : all) {
            assertTrue(Math.abs(v) <= bound, "value " + v + " outside ±" + bound);
            sum += v;
            sumSq += (double) v * v;
            max = Math.max(max, Math.abs(v));
        }
        int n = all.length; // 8*3*9 + 12 = 228
        // U(-b, b): mean 0 (sd b/√(3n)), E[v²] = b²/3 (sd of the mean of v² is b²·√(4/45)/√n); 5 sd bands
        assertEquals(0, sum / n, 5 * bound / Math.sqrt(3.0 * n));
        assertEquals(bound * bound / 3, sumSq / n, 5 * bound * bound * Math.sqrt(4.0 / 45) / Math.sqrt(n));
        assertTrue(max > 0.9 * bound, "the values should reach near the bound, max " + max);
        // the bias is drawn too, not left at zero
        assertTrue(Arrays.stream(box(layer.bias().data())).anyMatch(v -> v != 0));
    }

    @Test
    void seedDecidesTheValues() {
        assertArrayEquals(new ConvTranspose1d(2, 2, 3, 1, 0, 0, 1, true, 1, "zeros", 5).weight().data(),
                new ConvTranspose1d(2, 2, 3, 1, 0, 0, 1, true, 1, "zeros", 5).weight().data());
        assertNotEquals(Arrays.toString(new ConvTranspose1d(2, 2, 3, 1, 0, 0, 1, true, 1, "zeros", 5).weight().data()),
                Arrays.toString(new ConvTranspose1d(2, 2, 3, 1, 0, 0, 1, true, 1, "zeros", 6).weight().data()));
    }

    @Test
    void forwardBatchedAndUnbatchedAgreeWithTheReference() {
        ConvTranspose2d layer = ConvTranspose2d.builder(3, 4, 3, 2).stride(2, 1).padding(1, 0).seed(1).build();
        // small integers everywhere: every sum is exact in float32, so whichever kernel the layer plans on
        // (the reference alone, or a vector kernel when the vector module is on the class path) must
        // agree with the reference bitwise; random weights would make the order of summation visible
        fillRamp(layer.weight().data(), 5);
        fillRamp(layer.bias().data(), 2);
        float[] x = ramp(2 * 3 * 4 * 5);
        Tensor y = layer.forward(new Tensor(new int[] {2, 3, 4, 5}, x));
        assertArrayEquals(new int[] {2, 4, 7, 6}, y.shape());
        Problem p = layer.spec().problem(2, 3, 4, 5);
        float[] expected = new float[p.outputLength()];
        ReferenceKernel.compute(p, x, 0, layer.weight().data(), 0, layer.bias().data(), 0, expected, 0);
        assertArrayEquals(expected, y.data());
        Tensor one = layer.forward(new Tensor(new int[] {3, 4, 5}, Arrays.copyOfRange(x, 3 * 20, 6 * 20)));
        assertArrayEquals(new int[] {4, 7, 6}, one.shape());
        assertArrayEquals(Arrays.copyOfRange(expected, 4 * 42, 8 * 42), one.data());
    }

    @Test
    void forwardWithOutputSize() {
        ConvTranspose1d layer = ConvTranspose1d.builder(1, 1, 3).stride(3).bias(false).build();
        Arrays.fill(layer.weight().data(), 1);
        Tensor x = new Tensor(new int[] {1, 1, 2}, new float[] {1, 2});
        // min (2-1)*3 + 2 + 1 = 6; 8 adds two positions that receive nothing
        Tensor y = layer.forward(x, 8);
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2, 0, 0}, y.data());
        assertArrayEquals(new int[] {1, 1, 8}, layer.forward(x, 1, 1, 8).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layer.forward(x, 9));
        assertEquals("requested an output size of [9], but valid sizes range from [6] to [8] (for an input of [2])", e.getMessage());
    }

    @Test
    void writesIntoTheLiveWeightsTakeEffect() {
        ConvTranspose1d layer = ConvTranspose1d.builder(1, 1, 1).build();
        Tensor x = new Tensor(new int[] {1, 1, 2}, new float[] {1, 2});
        layer.weight().data()[0] = 2;
        layer.bias().data()[0] = 0;
        assertArrayEquals(new float[] {2, 4}, layer.forward(x).data());
        layer.weight().data()[0] = 3;
        assertArrayEquals(new float[] {3, 6}, layer.forward(x).data());
        layer.bias().data()[0] = 1;
        assertArrayEquals(new float[] {4, 7}, layer.forward(x).data());
    }

    @Test
    void arrayEntryWritesOnlyItsRegion() {
        ConvTranspose1d layer = ConvTranspose1d.builder(1, 2, 2).seed(9).build();
        float[] x = {9, 9, 1, 2, 3};
        float[] y = new float[2 + 8 + 1];
        Arrays.fill(y, -7);
        layer.forward(x, 2, new int[] {1, 1, 3}, y, 2);
        assertEquals(-7, y[0]);
        assertEquals(-7, y[1]);
        assertEquals(-7, y[10]);
        float[] expected = layer.forward(new Tensor(new int[] {1, 1, 3}, new float[] {1, 2, 3})).data();
        assertArrayEquals(expected, Arrays.copyOfRange(y, 2, 10));
        float[] before = y.clone();
        assertThrows(IllegalArgumentException.class, () -> layer.forward(x, 3, new int[] {1, 1, 3}, y, 2));
        assertThrows(IllegalArgumentException.class, () -> layer.forward(x, 2, new int[] {1, 1, 3}, y, 4));
        assertThrows(IllegalArgumentException.class, () -> layer.forward(x, 2, new int[] {1, 2, 3}, y, 0));
        assertArrayEquals(before, y);
    }

    private static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (i % 7) - 3;
        }
        return a;
    }

    private static void fillRamp(float[] a, int shift) {
        for (int i = 0; i < a.length; i++) {
            a[i] = ((i + shift) % 5) - 2;
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static Float[] box(float[] a) {
        Float[] r = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }
}
