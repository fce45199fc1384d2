package dev.convt.kernel;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@link SameKindBuffer} takes the caller's kind of memory, is big enough, and is kept per kind. */
class SameKindBufferTest {

    @Test
    void heapForHeapCallersNativeForNativeOnesEachKeptWhileBigEnough() {
        SameKindBuffer buffer = new SameKindBuffer();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nativeCaller = arena.allocate(16);
            MemorySegment heapCaller = MemorySegment.ofArray(new float[4]);

            MemorySegment heap = buffer.like(heapCaller, 10);
            assertFalse(heap.isNative(), "a heap caller got native scratch");
            assertTrue(heap.byteSize() >= 40, "too small: " + heap.byteSize());
            MemorySegment off = buffer.like(nativeCaller, 10);
            assertTrue(off.isNative(), "a native caller got heap scratch");
            assertTrue(off.byteSize() >= 40, "too small: " + off.byteSize());

            assertSame(heap, buffer.like(heapCaller, 7), "the heap buffer was not kept");
            assertSame(off, buffer.like(nativeCaller, 10), "the native buffer was not kept");
            MemorySegment bigger = buffer.like(nativeCaller, 11);
            assertTrue(bigger.isNative() && bigger.byteSize() >= 44, "the native buffer did not grow");
            assertSame(heap, buffer.like(MemorySegment.ofArray(new float[1]), 10), "growing one kind replaced the other");
        }
    }
}
