package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Frame of the lattice ("i-quant") row kernels (spec/quant-types.md §8): 256-element super-blocks
 * of a fixed size and no row meta. Groups of 8 (or 4) elements are entries of a grid table; a
 * kernel builds 16 weights at a time from two 8-byte grid words in a 128-bit byte vector, negates
 * the lanes of the group's sign mask, and multiplies by the sub-block scale once per sub-block.
 */
abstract class LatticeRowKernel extends NaturalOrderRowKernel {

    static final int QK = 256;

    private final GgmlType type;
    /** Bytes of one super-block. */
    final int blockBytes;

    LatticeRowKernel(GgmlType type) {
        if (type.blockSize() != QK || type.rowMetaBytes() != 0) {
            throw new IllegalArgumentException(type.typeName() + " is not a lattice format (block " + type.blockSize()
                    + ", row meta " + type.rowMetaBytes() + " bytes; expected 256 and 0)");
        }
        this.type = type;
        this.blockBytes = type.bytesPerBlock();
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
        return rowOffset + (long) (col / QK) * blockBytes;
    }
}
