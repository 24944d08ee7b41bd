package io.quantarena.core.model;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** A named tensor as stored: type, ggml dimensions (ne0 contiguous) and a view of its bytes. */
public record TensorData(String name, GgmlType type, long[] ne, MemorySegment data) {

    public long elements() {
        long n = 1;
        for (long d : ne) {
            n *= d;
        }
        return n;
    }

    public String shape() {
        return Arrays.toString(ne);
    }
}
