package io.quantarena.core.model;

import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Keys and values of one sequence, per layer, position-indexed (cell p holds position p).
 * Values are rounded to the storage type when written, so that attention sees exactly what a
 * ggml cache of that type would hold (f16 by default, like llama.cpp).
 *
 * <p>F32 and F16 keys are stored transposed, one row of {@code capacity} cells per key channel,
 * because attention scores are computed vectorised over cells: a head's keys for a range of cells
 * are then contiguous and are read (and widened) once per step, with no transpose. Values keep one
 * row of {@code kvDim} per cell. Q8_0 stores one quantized row of keys and of values per cell
 * (its blocks run along the channels) and is decoded when read.
 */
public final class KvCache {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.length() * 16));

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
    private final ThreadLocal<float[]> q8Row;
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
            q8Row = ThreadLocal.withInitial(() -> new float[kvDim]);
        } else {
            q8Codec = null;
            q8RowBytes = 0;
            q8K = q8V = null;
            q8Row = null;
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
                float[] dk = f32K[layer];
                for (int t = 0; t < n; t++) {
                    for (int c = 0; c < kvDim; c++) {
                        dk[c * capacity + pos + t] = k[t * kvDim + c];
                    }
                }
                System.arraycopy(v, 0, f32V[layer], base, len);
            }
            case F16 -> {
                short[] dk = f16K[layer];
                short[] dv = f16V[layer];
                for (int t = 0; t < n; t++) {
                    for (int c = 0; c < kvDim; c++) {
                        dk[c * capacity + pos + t] = Float.floatToFloat16(k[t * kvDim + c]);
                    }
                }
                for (int i = 0; i < len; i++) {
                    dv[base + i] = Float.floatToFloat16(v[i]);
                }
            }
            case Q8_0 -> {
                q8Codec.quantize(k, 0, n, kvDim, null, q8K[layer], pos * q8RowBytes);
                q8Codec.quantize(v, 0, n, kvDim, null, q8V[layer], pos * q8RowBytes);
            }
        }
    }

    /**
     * Keys of channels {@code [channel, channel+channels)} for cells {@code [from, from+n)}, transposed:
     * {@code dst[c·n + j]} = key channel {@code channel+c} of cell {@code from+j}. Safe to call from
     * several threads at once.
     */
    public void keysTransposed(int layer, int channel, int channels, int from, int n, float[] dst) {
        check(layer, channel, channels, from, n);
        switch (type) {
            case F32 -> {
                float[] src = f32K[layer];
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(src, (channel + c) * capacity + from, dst, c * n, n);
                }
            }
            case F16 -> {
                short[] src = f16K[layer];
                for (int c = 0; c < channels; c++) {
                    widen(src, (channel + c) * capacity + from, dst, c * n, n);
                }
            }
            case Q8_0 -> {
                float[] row = q8Row.get();
                for (int j = 0; j < n; j++) {
                    q8Codec.dequantizeRow(q8K[layer], (from + j) * q8RowBytes, row, 0, kvDim);
                    for (int c = 0; c < channels; c++) {
                        dst[c * n + j] = row[channel + c];
                    }
                }
            }
        }
    }

    /**
     * Values of channels {@code [channel, channel+channels)} for cells {@code [from, from+n)}, one
     * row per cell: {@code dst[j·channels + c]}. Safe to call from several threads at once.
     */
    public void values(int layer, int channel, int channels, int from, int n, float[] dst) {
        check(layer, channel, channels, from, n);
        switch (type) {
            case F32 -> {
                float[] src = f32V[layer];
                for (int j = 0; j < n; j++) {
                    System.arraycopy(src, (from + j) * kvDim + channel, dst, j * channels, channels);
                }
            }
            case F16 -> {
                short[] src = f16V[layer];
                if (channels == kvDim) {
                    widen(src, from * kvDim, dst, 0, n * kvDim);
                } else {
                    for (int j = 0; j < n; j++) {
                        widen(src, (from + j) * kvDim + channel, dst, j * channels, channels);
                    }
                }
            }
            case Q8_0 -> {
                float[] row = q8Row.get();
                for (int j = 0; j < n; j++) {
                    q8Codec.dequantizeRow(q8V[layer], (from + j) * q8RowBytes, row, 0, kvDim);
                    System.arraycopy(row, channel, dst, j * channels, channels);
                }
            }
        }
    }

    /** Copies keys of positions {@code [from, from+n)} of a layer as floats into {@code dst} (rows of kvDim). */
    public void readKeys(int layer, int from, int n, float[] dst) {
        float[] t = new float[n * kvDim];
        keysTransposed(layer, 0, kvDim, from, n, t);
        for (int c = 0; c < kvDim; c++) {
            for (int j = 0; j < n; j++) {
                dst[j * kvDim + c] = t[c * n + j];
            }
        }
    }

    /** Copies values of positions {@code [from, from+n)} of a layer as floats into {@code dst} (rows of kvDim). */
    public void readValues(int layer, int from, int n, float[] dst) {
        values(layer, 0, kvDim, from, n, dst);
    }

    private void check(int layer, int channel, int channels, int from, int n) {
        if (layer < 0 || layer >= nLayer || from < 0 || n < 0 || from + n > capacity || channel < 0 || channels < 0
                || channel + channels > kvDim) {
            throw new IndexOutOfBoundsException("KV cache read of layer " + layer + " positions " + from + ".."
                    + (from + n - 1) + " channels " + channel + ".." + (channel + channels - 1) + " (capacity "
                    + capacity + ", " + kvDim + " channels, " + nLayer + " layers)");
        }
    }

    /**
     * fp16 → float for {@code n} values, vectorised: exponent and mantissa shifted into float
     * position and multiplied by 2^112 re-bias the exponent (and normalise subnormals) exactly;
     * Inf/NaN get exponent 255. Same results as {@link Float#float16ToFloat}.
     */
    static void widen(short[] src, int so, float[] dst, int dOff, int n) {
        int i = 0;
        for (int bound = n - F.length(); i <= bound; i += F.length()) {
            IntVector h = (IntVector) ShortVector.fromArray(S, src, so + i).convertShape(VectorOperators.S2I, I, 0);
            IntVector mag = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
            IntVector bits = mag.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .blend(mag.or(0x7F800000), h.and(0x7C00).eq(0x7C00));
            bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats().intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            dst[dOff + i] = Float.float16ToFloat(src[so + i]);
        }
    }
}
