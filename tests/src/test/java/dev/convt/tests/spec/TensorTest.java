package dev.convt.tests.spec;

import dev.convt.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Tensor}: the shape is copied in and out, the data is shared, and every bad shape is named. */
class TensorTest {

    @Test
    void aTensorKeepsItsShapeAndSharesItsData() {
        int[] shape = {2, 3};
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = new Tensor(shape, data);
        shape[0] = 7; // the caller's array is not the tensor's shape
        assertArrayEquals(new int[] {2, 3}, t.shape());
        t.shape()[1] = 9; // nor is the array handed out
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(2, t.dim());
        assertEquals(2, t.size(0));
        assertEquals(3, t.size(1));
        assertEquals(6, t.numel());
        assertSame(data, t.data());
        assertEquals("Tensor[2, 3][1.0, 2.0, 3.0, 4.0, 5.0, 6.0]", t.toString());
        // more than 16 values: the shape only
        assertEquals("Tensor[17]", new Tensor(new int[] {17}, new float[17]).toString());
        assertEquals("Tensor[16][0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]",
                new Tensor(new int[] {16}, new float[16]).toString());
    }

    @Test
    void zerosHasTheProductOfItsShapeInZeros() {
        Tensor z = Tensor.zeros(3, 1, 4);
        assertArrayEquals(new int[] {3, 1, 4}, z.shape());
        assertEquals(12, z.numel());
        assertArrayEquals(new float[12], z.data());
        assertEquals(0, Tensor.zeros(0, 5).numel());
        assertEquals(1, Tensor.zeros().numel()); // a scalar
    }

    @Test
    void aDataLengthOtherThanTheShapesProductIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Tensor(new int[] {2, 3}, new float[5]));
        assertEquals("shape [2, 3] needs 6 values, but data has 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new int[] {2, 3}, new float[7]));
        // 2^32 · 2^32 wraps to 0 in long arithmetic: an empty array must not pass for it
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> new Tensor(new int[] {1 << 16, 1 << 16, 1 << 16, 1 << 16}, new float[0]));
        assertTrue(big.getMessage().contains("18446744073709551616"), big.getMessage());
    }

    @Test
    void aNegativeDimensionIsRejectedWithTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Tensor(new int[] {2, -3}, new float[6]));
        assertEquals("tensor dimensions must be non-negative, but got shape [2, -3]", e.getMessage());
        IllegalArgumentException z = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(-1, 0));
        assertEquals("tensor dimensions must be non-negative, but got shape [-1, 0]", z.getMessage());
        // the array limit applies to zeros, which allocates
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1 << 16, 1 << 15));
        assertTrue(big.getMessage().contains("2147483648"), big.getMessage());
        assertThrows(NullPointerException.class, () -> new Tensor(null, new float[0]));
        assertThrows(NullPointerException.class, () -> new Tensor(new int[0], null));
        assertThrows(NullPointerException.class, () -> Tensor.zeros((int[]) null));
    }
}
