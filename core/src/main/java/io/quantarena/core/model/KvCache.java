package io.quantarena.core.model;

import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * Keys and values of one sequence, per layer, position-indexed (cell p holds position p).
 * Values are rounded to the storage type when written, so that attention sees exactly what a
 * ggml cache of that type would hold (f16 by default, like llama.cpp).
 */
public final class KvCache {

    private final KvCacheType type;
    private final int nLayer;
    private final int capacity;
    private final int kvDim;
    private final float[][] f32K;
    private final float[][] f32V;
    private final short[][] f16K;
    private final short[][] f16V;
    private final MemorySegment[] q8K;
    private final MemorySegment[] q8V;
    private final QuantCodec q8Codec;
    private final long q8RowBytes;
    private int used;

    public KvCache(KvCacheType type, int nLayer, int capacity, int kvDim) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("KV cache capacity " + capacity + ", expected > 0");
        }
        this.type = type;
        this.nLayer = nLayer;
        this.capacity = capacity;
        this.kvDim = kvDim;
        long cells = (long) capacity * kvDim;
        if (type == KvCacheType.F32) {
            f32K = new float[nLayer][Math.toIntExact(cells)];
            f32V = new float[nLayer][Math.toIntExact(cells)];
        } else {
            f32K = f32V = null;
        }
        if (type == KvCacheType.F16) {
            f16K = new short[nLayer][Math.toIntExact(cells)];
            f16V = new short[nLayer][Math.toIntExact(cells)];
        } else {
            f16K = f16V = null;
        }
        if (type == KvCacheType.Q8_0) {
            q8Codec = QuantCodecs.forType(GgmlType.Q8_0);
            q8RowBytes = GgmlType.Q8_0.rowSize(kvDim);
            q8K = new MemorySegment[nLayer];
            q8V = new MemorySegment[nLayer];
            for (int l = 0; l < nLayer; l++) {
                q8K[l] = MemorySegment.ofArray(new byte[Math.toIntExact(q8RowBytes * capacity)]);
                q8V[l] = MemorySegment.ofArray(new byte[Math.toIntExact(q8RowBytes * capacity)]);
            }
        } else {
            q8Codec = null;
            q8RowBytes = 0;
            q8K = q8V = null;
        }
    }

    public KvCacheType type() {
        return type;
    }

    public int capacity() {
        return capacity;
    }

    public int kvDim() {
        return kvDim;
    }

    /** Number of positions written so far (cells 0 … used−1). */
    public int used() {
        return used;
    }

    /** Forgets all positions (a new sequence starts). */
    public void clear() {
        used = 0;
    }

    /** Marks positions up to {@code n} as filled after a batch was stored for every layer. */
    public void setUsed(int n) {
        if (n < 0 || n > capacity) {
            throw new IllegalArgumentException("KV cache fill " + n + " outside 0.." + capacity);
        }
        used = n;
    }

    /**
     * Stores {@code n} consecutive positions from {@code pos} of one layer: rows of kvDim values in
     * {@code k} and {@code v}.
     */
    public void store(int layer, int pos, int n, float[] k, float[] v) {
        if (pos < 0 || pos + n > capacity) {
            throw new IllegalArgumentException("positions " + pos + ".." + (pos + n - 1)
                    + " do not fit the KV cache of " + capacity + " cells (context size)");
        }
        int len = n * kvDim;
        int base = pos * kvDim;
        switch (type) {
            case F32 -> {
                System.arraycopy(k, 0, f32K[layer], base, len);
                System.arraycopy(v, 0, f32V[layer], base, len);
            }
            case F16 -> {
                short[] dk = f16K[layer];
                short[] dv = f16V[layer];
                for (int i = 0; i < len; i++) {
                    dk[base + i] = Float.floatToFloat16(k[i]);
                    dv[base + i] = Float.floatToFloat16(v[i]);
                }
            }
            case Q8_0 -> {
                q8Codec.quantize(k, 0, n, kvDim, null, q8K[layer], pos * q8RowBytes);
                q8Codec.quantize(v, 0, n, kvDim, null, q8V[layer], pos * q8RowBytes);
            }
        }
    }

    /** Copies keys of positions {@code [from, from+n)} of a layer as floats into {@code dst}. */
    public void readKeys(int layer, int from, int n, float[] dst) {
        read(layer, from, n, dst, true);
    }

    /** Copies values of positions {@code [from, from+n)} of a layer as floats into {@code dst}. */
    public void readValues(int layer, int from, int n, float[] dst) {
        read(layer, from, n, dst, false);
    }

    private void read(int layer, int from, int n, float[] dst, boolean keys) {
        if (layer < 0 || layer >= nLayer || from < 0 || from + n > capacity) {
            throw new IndexOutOfBoundsException("KV cache read of layer " + layer + " positions " + from + ".."
                    + (from + n - 1) + " (capacity " + capacity + ")");
        }
        int len = n * kvDim;
        int base = from * kvDim;
        switch (type) {
            case F32 -> System.arraycopy(keys ? f32K[layer] : f32V[layer], base, dst, 0, len);
            case F16 -> {
                short[] src = keys ? f16K[layer] : f16V[layer];
                for (int i = 0; i < len; i++) {
                    dst[i] = Float.float16ToFloat(src[base + i]);
                }
            }
            case Q8_0 -> {
                MemorySegment src = keys ? q8K[layer] : q8V[layer];
                for (int r = 0; r < n; r++) {
                    q8Codec.dequantizeRow(src, (from + r) * q8RowBytes, dst, r * kvDim, kvDim);
                }
            }
        }
    }
}
