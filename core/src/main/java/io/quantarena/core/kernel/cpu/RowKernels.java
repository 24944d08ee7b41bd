package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The vectorized row kernels, by weight format. */
public final class RowKernels {

    private static final Map<GgmlType, RowKernel> KERNELS = new EnumMap<>(GgmlType.class);
    private static final Map<GgmlType, RowKernel> PORTABLE = new EnumMap<>(GgmlType.class);

    static {
        for (RowKernel k : List.of(
                new F32RowKernel(),
                new HalfPrecisionRowKernel(GgmlType.F16),
                new HalfPrecisionRowKernel(GgmlType.BF16),
                new Q4_0RowKernel(), new Q4_1RowKernel(), new Q5_0RowKernel(), new Q5_1RowKernel(),
                new Q8_0RowKernel(), new Q6_0RowKernel(),
                new Q2_KRowKernel(), new Q3_KRowKernel(), new Q4_KRowKernel(), new Q5_KRowKernel(),
                new Q6_KRowKernel(),
                new IQ4_NLRowKernel(), new IQ4_XSRowKernel(),
                // i-quants: lattice formats (LatticeRowKernel) and ik non-linear formats (IqkRowKernel)
                new IQ2_XXSRowKernel(), new IQ2_XSRowKernel(), new IQ2_SRowKernel(), new IQ3_XXSRowKernel(),
                new IQ3_SRowKernel(), new IQ1_SRowKernel(), new IQ1_MRowKernel(),
                new IQ2_KRowKernel(), new IQ2_KSRowKernel(), new IQ3_KRowKernel(), new IQ3_KSRowKernel(),
                new IQ4_KRowKernel(), new IQ4_KSRowKernel(), new IQ4_KSSRowKernel(), new IQ5_KRowKernel(),
                new IQ5_KSRowKernel(), new IQ6_KRowKernel())) {
            KERNELS.put(k.type(), k);
            PORTABLE.put(k.type(), k);
        }
        if (VectorSupport.WIDE) {
            for (RowKernel k : wideKernels()) {
                KERNELS.put(k.type(), k);
            }
        }
    }

    /** The 512-bit dot kernels, which replace the portable ones of their formats on AVX-512 machines. */
    static List<RowKernel> wideKernels() {
        return List.of(new Q4_KWideRowKernel(), new Q8_0WideRowKernel(), new IQ4_XSWideRowKernel(), new IQ4_KSWideRowKernel(), new IQ4_KWideRowKernel(), new Q6_KWideRowKernel(), new IQ5_KWideRowKernel(), new IQ3_KWideRowKernel(), new IQ2_XXSWideRowKernel());
    }

    /** The portable kernel of {@code type} (natural-order dot on the preferred vector width). */
    static RowKernel portable(GgmlType type) {
        return PORTABLE.get(type);
    }

    private RowKernels() {
    }

    /** The kernel for {@code type}, or an exception naming the type and the supported ones. */
    public static RowKernel forType(GgmlType type) {
        RowKernel k = KERNELS.get(type);
        if (k == null) {
            throw new UnsupportedOperationException("no CPU kernel for weight type " + type.typeName()
                    + "; supported: " + supported());
        }
        return k;
    }

    public static Set<GgmlType> supported() {
        return KERNELS.keySet();
    }
}
