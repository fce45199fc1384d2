package dev.convt;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The checks of a {@link MemorySegment} buffer before a kernel reads or writes it: the segment
 * counterparts of {@link Problem#checkBuffer} and {@link Problem#checkDisjoint}, in one place. Each
 * failure is an {@link IllegalArgumentException} naming the parameter, the value and the rule (a
 * closed arena an {@link IllegalStateException}, a confined arena of another thread a
 * {@link WrongThreadException}, as the JDK's own accessors throw), raised before anything is written.
 * Allocates nothing when a check passes (the overlap of two heap segments over one array excepted).
 */
final class SegmentChecks {
    private SegmentChecks() {}

    /** A thread that owns no arena: a segment it cannot access is confined to some thread. */
    private static final Thread STRANGER = Thread.ofVirtual().unstarted(() -> { });

    /**
     * Checks one buffer of {@code floats} floats from {@code byteOffset} of {@code s}.
     *
     * @param name    the buffer's name in the message ("input", "output", "weight", "bias")
     * @param p       the problem, for the buffer's shape in the message
     * @param written whether the kernel writes it (a read-only segment is then rejected)
     */
    static void check(String name, MemorySegment s, long byteOffset, long floats, Problem p, boolean written) {
        check(name, s, byteOffset, floats, p.spec(), p, written);
    }

    /** As {@link #check(String, MemorySegment, long, long, Problem, boolean)} for weights or bias, which need only the spec. */
    static void check(String name, MemorySegment s, long byteOffset, long floats, ConvTransposeSpec spec, boolean written) {
        check(name, s, byteOffset, floats, spec, null, written);
    }

    private static void check(String name, MemorySegment s, long byteOffset, long floats, ConvTransposeSpec spec, Problem p, boolean written) {
        java.util.Objects.requireNonNull(s, name);
        if (byteOffset < 0) {
            throw new IllegalArgumentException(name + " offset must be non-negative, but got a negative offset: byteOffset="
                    + byteOffset + " (" + name + ".byteSize()=" + s.byteSize() + ")");
        }
        if (byteOffset % Float.BYTES != 0) {
            throw new IllegalArgumentException(name + " byte offset must be a multiple of " + Float.BYTES
                    + " (float alignment), but got byteOffset=" + byteOffset);
        }
        if (s.maxByteAlignment() < Float.BYTES || (s.address() & (Float.BYTES - 1)) != 0) {
            throw new IllegalArgumentException(name + " segment must be aligned to " + Float.BYTES + " bytes (float alignment), but its "
                    + (s.isNative() ? "address is 0x" + Long.toHexString(s.address()) : "offset in its backing array is " + s.address()
                    + " and it can be aligned to at most " + s.maxByteAlignment() + " bytes"));
        }
        if (byteOffset + Float.BYTES * floats > s.byteSize()) {
            throw new IllegalArgumentException(name + " segment too small: " + name + ".byteSize()=" + s.byteSize()
                    + ", byteOffset=" + byteOffset + ", but shape " + Arrays.toString(shape(name, spec, p)) + " needs " + floats
                    + " floats (" + Float.BYTES * floats + " bytes) from the offset");
        }
        if (written && s.isReadOnly()) {
            throw new IllegalArgumentException(name + " segment is read-only: the " + name + " must be a writable segment");
        }
        if (!s.scope().isAlive()) {
            throw new IllegalStateException(name + " segment's arena is already closed");
        }
        if (!s.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException(name + " segment is confined to another thread than " + Thread.currentThread());
        }
    }

    private static int[] shape(String name, ConvTransposeSpec spec, Problem p) {
        return switch (name) {
            case "input" -> p.inputShape();
            case "output" -> p.outputShape();
            case "weight" -> spec.weightShape();
            default -> new int[] {spec.outChannels()};
        };
    }

    /** Whether threads other than the caller may access the segment (false for a confined arena's). */
    static boolean shared(MemorySegment s) {
        return s.isAccessibleBy(STRANGER);
    }

    /**
     * Checks that the bytes read ({@code readFloats} floats from {@code readOffset} of {@code read}) and
     * the bytes written share no memory: the same array of two heap segments, or overlapping native
     * addresses. Offsets are in bytes.
     */
    static void checkDisjoint(String readName, MemorySegment read, long readOffset, long readFloats,
                              String writeName, MemorySegment write, long writeOffset, long writeFloats) {
        if (readFloats == 0 || writeFloats == 0 || read.isNative() != write.isNative()) {
            return;
        }
        long readBytes = Float.BYTES * readFloats, writeBytes = Float.BYTES * writeFloats;
        boolean overlap;
        if (read.isNative()) {
            long r = read.address() + readOffset, w = write.address() + writeOffset;
            overlap = r < w + writeBytes && w < r + readBytes;
        } else {
            // heap: a read-only segment hides its array (heapBase() is empty), so ask the segments
            overlap = read.asOverlappingSlice(write).isPresent()
                    && read.asSlice(readOffset, readBytes).asOverlappingSlice(write.asSlice(writeOffset, writeBytes)).isPresent();
        }
        if (overlap) {
            throw new IllegalArgumentException(readName + " and " + writeName + " overlap: the " + readName + " bytes ["
                    + readOffset + ", " + (readOffset + readBytes) + ") of its segment share memory with the " + writeName
                    + " bytes [" + writeOffset + ", " + (writeOffset + writeBytes) + ") of its segment ("
                    + (read.isNative() ? "overlapping native addresses" : "the same array") + "); the " + writeName
                    + " must not overlap the " + readName);
        }
    }
}
