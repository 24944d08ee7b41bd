package io.quantarena.core.kernel.cpu;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.LE_INT;

/** The 12-byte scale/min field of Q4_K and Q5_K (spec §6.3 get_scale_min_k4), decoded 8 at a time. */
final class KQuantScales {

    private KQuantScales() {
    }

    /**
     * Writes the eight 6-bit scales to {@code sc[0..8)} and mins to {@code m[0..8)} from the field
     * at {@code off}. Bytes 0-3 hold sc[0..4) (+ high bits of sc[4..8)), 4-7 the mins likewise,
     * 8-11 the low nibbles of sc/m[4..8).
     */
    static void decode(MemorySegment w, long off, int[] sc, int[] m) {
        int a = w.get(LE_INT, off);
        int b = w.get(LE_INT, off + 4);
        int c = w.get(LE_INT, off + 8);
        for (int j = 0; j < 4; j++) {
            int aj = (a >>> (8 * j)) & 0xFF;
            int bj = (b >>> (8 * j)) & 0xFF;
            int cj = (c >>> (8 * j)) & 0xFF;
            sc[j] = aj & 63;
            m[j] = bj & 63;
            sc[j + 4] = (cj & 15) | ((aj >>> 6) << 4);
            m[j + 4] = (cj >>> 4) | ((bj >>> 6) << 4);
        }
    }
}
