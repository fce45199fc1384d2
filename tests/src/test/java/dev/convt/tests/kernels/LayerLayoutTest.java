package dev.convt.tests.kernels;

import dev.convt.Activation;
import dev.convt.ConvTranspose1d;
import dev.convt.ConvTranspose2d;
import dev.convt.ConvTranspose3d;
import dev.convt.ConvTransposeNd;
import dev.convt.Layout;
import dev.convt.Tensor;
import dev.convt.testkit.TestData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The layer classes in channels-last layout: a layer built with {@code layout(CHANNELS_LAST)} takes the
 * channels-last arrangement of an input and returns the channels-last arrangement of the output that
 * the same layer (same seed) computes channels first, bit for bit (small-integer data), with logical
 * shapes in both; through every forward entry, at ranks 1–3, and over a new batch size.
 */
class LayerLayoutTest {
    private static int plane(int[] shape) {
        int p = 1;
        for (int d = 2; d < shape.length; d++) {
            p *= shape[d];
        }
        return p;
    }

    private static float[] nhwc(Tensor t) {
        int[] s = t.shape();
        return LayoutAgreementTest.channelsLast(t.data(), s[0], s[1], plane(s));
    }

    /** Forward of both layers on one input (first channels first, then its channels-last copy). */
    private static void agree(ConvTransposeNd first, ConvTransposeNd last, int[] inShape, long seed) {
        int n = 1;
        for (int v : inShape) {
            n *= v;
        }
        Tensor x = new Tensor(inShape, TestData.smallInts(n, seed));
        Tensor want = first.forward(x);
        Tensor got = last.forward(new Tensor(inShape, nhwc(x)));
        assertArrayEquals(want.shape(), got.shape(), "logical output shape");
        assertArrayEquals(nhwc(want), got.data(), "channels-last output of " + last);

        float[] y = new float[got.data().length + 3];
        last.forward(nhwc(x), 0, inShape, y, 3);
        assertArrayEquals(nhwc(want), java.util.Arrays.copyOfRange(y, 3, y.length), "the engine entry");
    }

    @Test
    void twoDimensionsWithBiasActivationAndTwoBatchSizes() {
        ConvTranspose2d first = ConvTranspose2d.builder(6, 4, 3).stride(2).padding(1).seed(3)
                .activation(Activation.leakyRelu(0.25f)).build();
        ConvTranspose2d last = ConvTranspose2d.builder(6, 4, 3).stride(2).padding(1).seed(3)
                .activation(Activation.leakyRelu(0.25f)).layout(Layout.CHANNELS_LAST).build();
        assertEquals(Layout.CHANNELS_FIRST, first.layout());
        assertEquals(Layout.CHANNELS_LAST, last.layout());
        // small-integer weights so every sum is exact
        for (ConvTransposeNd l : new ConvTransposeNd[] {first, last}) {
            System.arraycopy(TestData.smallInts(l.weight().data().length, 11), 0, l.weight().data(), 0, l.weight().data().length);
            System.arraycopy(TestData.smallInts(4, 12), 0, l.bias().data(), 0, 4);
        }
        agree(first, last, new int[] {1, 6, 5, 7}, 1);
        agree(first, last, new int[] {3, 6, 5, 7}, 2);
        // many input channels: the im2col kernel's own channels-last path rather than the layout stage
        ConvTranspose2d wideFirst = ConvTranspose2d.builder(32, 8, 2).stride(2).seed(5).build();
        ConvTranspose2d wideLast = ConvTranspose2d.builder(32, 8, 2).stride(2).seed(5).layout(Layout.CHANNELS_LAST).build();
        for (ConvTransposeNd l : new ConvTransposeNd[] {wideFirst, wideLast}) {
            System.arraycopy(TestData.smallInts(l.weight().data().length, 13), 0, l.weight().data(), 0, l.weight().data().length);
            System.arraycopy(TestData.smallInts(8, 14), 0, l.bias().data(), 0, 8);
        }
        agree(wideFirst, wideLast, new int[] {2, 32, 6, 6}, 3);
    }

    @Test
    void oneAndThreeDimensionsAndTheRequestedOutputSize() {
        ConvTranspose1d first1 = ConvTranspose1d.builder(3, 5, 4).stride(3).seed(7).build();
        ConvTranspose1d last1 = ConvTranspose1d.builder(3, 5, 4).stride(3).seed(7).layout(Layout.CHANNELS_LAST).build();
        ConvTranspose3d first3 = ConvTranspose3d.builder(4, 2, 2).stride(2).seed(8).build();
        ConvTranspose3d last3 = ConvTranspose3d.builder(4, 2, 2).stride(2).seed(8).layout(Layout.CHANNELS_LAST).build();
        for (ConvTransposeNd l : new ConvTransposeNd[] {first1, last1, first3, last3}) {
            System.arraycopy(TestData.smallInts(l.weight().data().length, 21), 0, l.weight().data(), 0, l.weight().data().length);
            System.arraycopy(TestData.smallInts(l.bias().data().length, 22), 0, l.bias().data(), 0, l.bias().data().length);
        }
        agree(first1, last1, new int[] {2, 3, 9}, 4);
        agree(first3, last3, new int[] {1, 4, 3, 2, 3}, 5);

        Tensor x = new Tensor(new int[] {2, 3, 9}, TestData.smallInts(54, 6));
        Tensor want = first1.forward(x, 29);
        Tensor got = last1.forward(new Tensor(x.shape(), nhwc(x)), 29);
        assertArrayEquals(new int[] {2, 5, 29}, got.shape());
        assertArrayEquals(nhwc(want), got.data());
    }

    @Test
    void aNullLayoutIsRefused() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> ConvTranspose2d.builder(2, 2, 2).layout(null));
        assertEquals("layout", e.getMessage());
    }
}
