package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static io.quantarena.core.kernel.cpu.VectorSupport.F;
import static io.quantarena.core.kernel.cpu.VectorSupport.sumLanes;
import static io.quantarena.core.kernel.cpu.VectorSupport.FL;
import static io.quantarena.core.kernel.cpu.VectorSupport.I;
import static io.quantarena.core.kernel.cpu.VectorSupport.LE;
import static io.quantarena.core.kernel.cpu.VectorSupport.LE_SHORT;
import static io.quantarena.core.kernel.cpu.VectorSupport.S_FL;
import static jdk.incubator.vector.VectorOperators.S2I;

/** IEEE half (F16) and bfloat16 (BF16) rows: 16-bit values widened to float in registers. */
final class HalfPrecisionRowKernel extends NaturalOrderRowKernel {

    private final boolean bf16;

    HalfPrecisionRowKernel(GgmlType type) {
        if (type != GgmlType.F16 && type != GgmlType.BF16) {
            throw new IllegalArgumentException("half precision kernel for " + type.typeName() + " (expected f16 or bf16)");
        }
        this.bf16 = type == GgmlType.BF16;
    }

    @Override
    public GgmlType type() {
        return bf16 ? GgmlType.BF16 : GgmlType.F16;
    }

    /*
     * Half → float without a conversion instruction in the API: shifting exponent+mantissa into
     * float position and multiplying by 2^112 re-biases the exponent and normalizes subnormals
     * exactly; Inf/NaN (exponent 31) get the float exponent 255. Written out in each loop (see
     * VectorSupport on inlining).
     */

    private float scalar(MemorySegment w, long off) {
        short s = w.get(LE_SHORT, off);
        return bf16 ? Float.intBitsToFloat((s & 0xFFFF) << 16) : Float.float16ToFloat(s);
    }

    @Override
    public void dequantize(MemorySegment w, long rowOffset, int col, float[] dst, int dstOffset, int n) {
        long base = rowOffset + 2L * col;
        int i = 0;
        for (; i <= n - FL; i += FL) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S_FL, w, base + 2L * i, LE).convertShape(S2I, I, 0);
            FloatVector f;
            if (bf16) {
                f = h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            } else {
                IntVector mag = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
                IntVector bits = mag.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                        .blend(mag.or(0x7F800000), h.and(0x7C00).eq(0x7C00));
                f = bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
            }
            f.intoArray(dst, dstOffset + i);
        }
        for (; i < n; i++) {
            dst[dstOffset + i] = scalar(w, base + 2L * i);
        }
    }

    @Override
    public float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
        int i = 0;
        if (bf16) {
            for (; i <= n - FL; i += FL) {
                IntVector h = (IntVector) ShortVector.fromMemorySegment(S_FL, w, rowOffset + 2L * i, LE).convertShape(S2I, I, 0);
                a0 = h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, i), a0);
            }
        } else {
            for (; i <= n - FL; i += FL) {
                IntVector h = (IntVector) ShortVector.fromMemorySegment(S_FL, w, rowOffset + 2L * i, LE).convertShape(S2I, I, 0);
                IntVector mag = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
                IntVector bits = mag.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                        .blend(mag.or(0x7F800000), h.and(0x7C00).eq(0x7C00));
                FloatVector f = bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                a1 = f.fma(FloatVector.fromArray(F, x, i), a1);
            }
        }
        float s = sumLanes(a0.add(a1));
        for (; i < n; i++) {
            s += scalar(w, rowOffset + 2L * i) * x[i];
        }
        return s;
    }
}
