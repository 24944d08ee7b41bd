package io.quantarena.core.kernel.bench;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HugePageMemoryTest {

    @Test
    void givesZeroedWritableMemoryOfTheRequestedSizeAlignedToHugePagesOnLinux() {
        long bytes = (5L << 20) + 123;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = HugePageMemory.allocate(bytes, arena);
            assertEquals(bytes, m.byteSize());
            for (long o = 0; o < bytes; o += 4093) {
                assertEquals(0, m.get(ValueLayout.JAVA_BYTE, o), "byte " + o);
            }
            m.set(ValueLayout.JAVA_LONG_UNALIGNED, bytes - 8, 0x0123456789ABCDEFL);
            assertEquals(0x0123456789ABCDEFL, m.get(ValueLayout.JAVA_LONG_UNALIGNED, bytes - 8));
            if (System.getProperty("os.name").toLowerCase().contains("linux")) {
                assertEquals(0, m.address() % (2L << 20), "start of the mapping rounded up to a huge page");
            } else {
                assertEquals(0, m.address() % 64);
            }
        }
    }

    @Test
    void rejectsAnEmptyBuffer() {
        try (Arena arena = Arena.ofConfined()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HugePageMemory.allocate(0, arena));
            assertEquals("buffer size 0 bytes (expected > 0)", e.getMessage());
        }
    }
}
