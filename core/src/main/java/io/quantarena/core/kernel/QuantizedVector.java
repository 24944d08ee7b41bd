package io.quantarena.core.kernel;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Activations quantized to one of the 8-bit dot-product formats the reference uses for speed
 * ({@link GgmlType#Q8_0}: fp16 d + 32 int8 per block; {@link GgmlType#Q8_K}: float d, float sum,
 * 256 int8, 16 int16 block sums; byte layouts of spec/quant-types.md §5.1 and §6.6), holding
 * {@code count} vectors of {@code n} elements back to back.
 */
public record QuantizedVector(GgmlType type, MemorySegment data, int n, int count) {

    public QuantizedVector {
        if (type != GgmlType.Q8_0 && type != GgmlType.Q8_K) {
            throw new IllegalArgumentException("activation type " + type.typeName() + " is not supported (expected q8_0 or q8_K)");
        }
        if (n <= 0 || n % type.blockSize() != 0) {
            throw new IllegalArgumentException("activation length " + n + " is not a positive multiple of the "
                    + type.typeName() + " block size " + type.blockSize());
        }
        if (data.byteSize() < (long) count * type.rowSize(n)) {
            throw new IllegalArgumentException("activation buffer of " + data.byteSize() + " bytes is too small for "
                    + count + " x " + n + " " + type.typeName());
        }
    }

    /** An owned, zeroed buffer for {@code count} vectors of {@code n} elements. */
    public static QuantizedVector allocate(GgmlType type, int n, int count, Arena arena) {
        return new QuantizedVector(type, arena.allocate(Math.max(1, (long) count * type.rowSize(n)), 16), n, count);
    }

    /** Bytes of one vector. */
    public long vectorBytes() {
        return type.rowSize(n);
    }
}
