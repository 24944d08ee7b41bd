package io.quantarena.core.kernel.cpu;

import java.util.Arrays;

/**
 * An activation vector prepared for one {@link ActivationLayout}: its elements in the layout's
 * order and the group sums the layout's kernels need. A matrix-vector product prepares x once
 * and shares it, read-only, with every row and thread. Reusable: preparing again overwrites it,
 * growing the arrays only when a longer vector arrives.
 */
public final class PreparedActivation {

    private ActivationLayout layout;
    private float[] values = new float[0];
    private float[] sums = new float[0];
    /** The natural-order source, kept to recognise the same x in a later call ({@link #holds}). */
    private float[] source = new float[0];
    private int n = -1;

    /** Elements in the layout's order (index space of the layout, length ≥ n). */
    float[] values() {
        return values;
    }

    /** Group sums in the layout's arrangement. */
    float[] sums() {
        return sums;
    }

    public int n() {
        return n;
    }

    public ActivationLayout layout() {
        return layout;
    }

    /** Throws unless this activation was prepared for {@code expected}. */
    void check(ActivationLayout expected) {
        if (layout != expected) {
            throw new IllegalArgumentException("activation prepared for layout " + (layout == null ? "none" : layout.name())
                    + ", but the kernel reads layout " + expected.name());
        }
    }

    /** Whether this holds {@code x[0..n)} prepared for {@code l} (same layout, length and values). */
    boolean holds(ActivationLayout l, float[] x, int n) {
        return layout == l && this.n == n && Arrays.equals(source, 0, n, x, 0, n);
    }

    /** Starts a preparation: sizes the arrays and records the source; returns the values array. */
    float[] reset(ActivationLayout l, float[] x, int n, int valuesLength, int sumsLength) {
        if (values.length < valuesLength) {
            values = new float[valuesLength];
        }
        if (sums.length < sumsLength) {
            sums = new float[sumsLength];
        }
        if (source.length < n) {
            source = new float[n];
        }
        System.arraycopy(x, 0, source, 0, n);
        this.layout = l;
        this.n = n;
        return values;
    }
}
