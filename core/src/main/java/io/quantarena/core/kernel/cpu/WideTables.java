package io.quantarena.core.kernel.cpu;

import java.util.function.IntUnaryOperator;

/** Constant tables of the {@link WideRowKernel}s, built once. */
final class WideTables {

    private WideTables() {
    }

    /** The first {@code count} signed byte levels as float bits (lane-permute lookup tables of int lanes). */
    static int[] floatBits(byte[] levels, int count) {
        int[] t = new int[count];
        for (int i = 0; i < count; i++) {
            t[i] = Float.floatToRawIntBits(levels[i]);
        }
        return t;
    }

    /** 16 int lanes, lane i = f(i) (per-lane shift counts and similar constants). */
    static int[] lanes(IntUnaryOperator f) {
        int[] t = new int[16];
        for (int i = 0; i < 16; i++) {
            t[i] = f.applyAsInt(i);
        }
        return t;
    }

    /**
     * Checks that the second half of a level table (the "shifted" levels of the ik formats) is the
     * first plus {@code shift}: the kernels look codes up in the first half and add
     * {@code shift·Σ x} for shifted sub-blocks.
     */
    static void checkShifted(byte[] levels, int half, int shift) {
        for (int i = 0; i < half; i++) {
            if (levels[half + i] != levels[i] + shift) {
                throw new IllegalStateException("shifted level " + i + " is " + levels[half + i] + ", expected "
                        + levels[i] + " + " + shift);
            }
        }
    }
}
