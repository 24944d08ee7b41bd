package io.quantarena.core.imatrix;

import java.util.Objects;

/**
 * One tensor's importance data as llama-imatrix stores it (spec/quantize-tool.md §6.1): the
 * stored values are {@code mean(x²) · ncall} per input column (per expert for MoE stacks:
 * expert e at {@code [e·ne0, (e+1)·ne0)}), so dividing by {@code ncall} gives the mean squared
 * activation the quantizer weighs errors with.
 *
 * @param name   weight tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param ncall  matmul invocations that fed the tensor (0: the values are used as they are)
 * @param values stored values, at least one
 */
public record ImatrixEntry(String name, int ncall, float[] values) {

    public ImatrixEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(values, "values");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("imatrix entry name must not be empty");
        }
        if (values.length == 0) {
            throw new IllegalArgumentException("imatrix entry '" + name + "' has no values");
        }
        if (ncall < 0) {
            throw new IllegalArgumentException("imatrix entry '" + name + "' has ncall " + ncall + ", expected >= 0");
        }
        values = values.clone();
    }

    /** A copy of the stored values. */
    @Override
    public float[] values() {
        return values.clone();
    }

    public int size() {
        return values.length;
    }

    /** What llama-quantize uses: every value divided by ncall (when ncall > 0). */
    public float[] importance() {
        float[] out = values.clone();
        if (ncall > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= ncall;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImatrixEntry e && name.equals(e.name) && ncall == e.ncall && java.util.Arrays.equals(values, e.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, ncall, java.util.Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "ImatrixEntry[" + name + ", ncall=" + ncall + ", " + values.length + " values]";
    }
}
