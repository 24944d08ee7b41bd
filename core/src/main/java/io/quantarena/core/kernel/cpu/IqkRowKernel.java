package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Frame of the ik non-linear row kernels (spec/quant-types.md §9): 256-element super-blocks after
 * an optional row scale (fp16 for IQ2_KS/IQ3_KS, float32 for IQ4_KS/IQ5_KS/IQ4_KSS). Level
 * indices become levels by a byte shuffle with the sub-block's table ({@link IqkLevelTables}); the
 * weights of a sub-block are summed against x unscaled and multiplied by the sub-block scale once,
 * and by the block or row scale once per block or row.
 */
abstract class IqkRowKernel extends NaturalOrderRowKernel {

    static final int QK = 256;
    /**
     * 16 bytes as 32-bit lanes: high index bits are moved into place with a lane rotation, which,
     * unlike a shift, never carries a bit out of its byte's lane.
     */
    static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    /** 16 bytes as 16-bit lanes: shifts by up to 7 bits before a per-byte mask. */
    static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;

    private final GgmlType type;
    /** Bytes of one super-block. */
    final int blockBytes;
    /** Bytes of the row scale in front of the first block (0 if none). */
    final int metaBytes;

    IqkRowKernel(GgmlType type) {
        if (type.blockSize() != QK) {
            throw new IllegalArgumentException(type.typeName() + " has block size " + type.blockSize()
                    + " (expected 256 for an ik format)");
        }
        this.type = type;
        this.blockBytes = type.bytesPerBlock();
        this.metaBytes = type.rowMetaBytes();
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    /** Offset of the super-block that holds column {@code col} (checked to be a block start, with {@code n}). */
    final long firstBlock(long rowOffset, int col, int n) {
        VectorSupport.checkBlocks(type.typeName(), col, n, QK);
        return rowOffset + metaBytes + (long) (col / QK) * blockBytes;
    }
}
