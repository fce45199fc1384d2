package dev.convt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Layout}'s names, and a problem's layout: logical shapes, same lengths, part of its identity. */
class LayoutTest {

    @Test
    void everyRanksNamesParse() {
        assertSame(Layout.CHANNELS_FIRST, Layout.parse("ncl"));
        assertSame(Layout.CHANNELS_FIRST, Layout.parse("NCHW"));
        assertSame(Layout.CHANNELS_FIRST, Layout.parse("ncdhw"));
        assertSame(Layout.CHANNELS_LAST, Layout.parse("nlc"));
        assertSame(Layout.CHANNELS_LAST, Layout.parse(" nhwc "));
        assertSame(Layout.CHANNELS_LAST, Layout.parse("ndhwc"));
        assertSame(Layout.CHANNELS_LAST, Layout.parse("channels_last"));
        assertSame(Layout.CHANNELS_FIRST, Layout.parse("Channels_First"));
        assertEquals("ndhwc", Layout.CHANNELS_LAST.name(3));
        assertEquals("ncl", Layout.CHANNELS_FIRST.name(1));
        assertEquals("nhwc", Layout.CHANNELS_LAST.name(2));
    }

    @Test
    void anUnknownNameIsRejectedWithTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Layout.parse("nwhc"));
        assertTrue(e.getMessage().contains("layout must be one of") && e.getMessage().contains("'nwhc'"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Layout.parse(null));
        assertThrows(IllegalArgumentException.class, () -> Layout.CHANNELS_LAST.name(4));
    }

    @Test
    void aNameOfAnotherRankIsRejectedForAProblemOfThisRank() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Layout.parse("nhwc", 1));
        assertTrue(e.getMessage().contains("'nhwc'") && e.getMessage().contains("use 'nlc'"), e.getMessage());
        // the message names the rank the name is for: nhwc has 2 spatial letters, ncl 1
        assertTrue(e.getMessage().contains("is for 2 spatial dimension(s), but the problem has 1"), e.getMessage());
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class, () -> Layout.parse("ncl", 3));
        assertTrue(e3.getMessage().contains("is for 1 spatial dimension(s), but the problem has 3"), e3.getMessage());
        assertSame(Layout.CHANNELS_LAST, Layout.parse("ndhwc", 3));
        assertSame(Layout.CHANNELS_LAST, Layout.parse("channels_last", 1));
    }

    @Test
    void aProblemsLayoutKeepsItsShapesAndLengths() {
        Problem p = ConvTransposeSpec.builder2d(4, 6, 3).stride(2).build().problem(2, 4, 5, 7);
        Problem last = p.withLayout(Layout.CHANNELS_LAST);
        assertSame(Layout.CHANNELS_FIRST, p.layout());
        assertSame(Layout.CHANNELS_LAST, last.layout());
        assertArrayEquals(p.inputShape(), last.inputShape());
        assertArrayEquals(p.outputShape(), last.outputShape());
        assertEquals(p.inputLength(), last.inputLength());
        assertEquals(p.outputLength(), last.outputLength());
        assertNotEquals(p, last);
        assertEquals(p, last.withLayout(Layout.CHANNELS_FIRST));
        assertEquals(p.hashCode(), last.withLayout(Layout.CHANNELS_FIRST).hashCode());
        assertSame(last, last.withLayout(Layout.CHANNELS_LAST));
        assertTrue(last.toString().contains("nhwc"), last.toString());
        assertSame(Layout.CHANNELS_LAST, last.withOutputSize(12, 16).layout(), "output_size keeps the layout");
        assertThrows(NullPointerException.class, () -> p.withLayout(null));
    }
}
