package io.quantarena.core.kernel.cpu;

import java.lang.foreign.MemorySegment;

/**
 * A row kernel whose dot product reads x in natural order, with {@code Σ x} over groups of 16 for
 * formats whose blocks carry an additive minimum ({@link #needsGroupSums()}).
 */
abstract class NaturalOrderRowKernel implements RowKernel {

    /** Whether {@link #dot(MemorySegment, long, float[], float[], int)} reads {@code xSums16}. */
    boolean needsGroupSums() {
        return false;
    }

    @Override
    public final ActivationLayout layout() {
        return needsGroupSums() ? ActivationLayout.NATURAL_SUMS16 : ActivationLayout.NATURAL;
    }

    @Override
    public final float dot(MemorySegment w, long rowOffset, PreparedActivation x) {
        x.check(layout());
        return dot(w, rowOffset, x.values(), x.sums(), x.n());
    }

    /**
     * {@code Σ_i row[i]·x[i]} over the first {@code n} elements; {@code xSums16[g]} holds
     * {@code Σ x[16g .. 16g+16)} when {@link #needsGroupSums()}.
     */
    abstract float dot(MemorySegment w, long rowOffset, float[] x, float[] xSums16, int n);
}
