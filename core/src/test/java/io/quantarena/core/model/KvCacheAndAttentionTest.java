package io.quantarena.core.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class KvCacheAndAttentionTest {

    @Test
    void f16CacheRoundsValuesAndF32KeepsThem() {
        float v = 0.1f;
        KvCache f16 = new KvCache(KvCacheType.F16, 1, 2, 1);
        f16.store(0, 1, 1, new float[]{v}, new float[]{-v});
        float[] out = new float[2];
        f16.readKeys(0, 0, 2, out);
        assertThat(out[1]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(v))).isNotEqualTo(v);
        f16.readValues(0, 1, 1, out);
        assertThat(out[0]).isEqualTo(-Float.float16ToFloat(Float.floatToFloat16(v)));

        KvCache f32 = new KvCache(KvCacheType.F32, 1, 2, 1);
        f32.store(0, 0, 1, new float[]{v}, new float[]{v});
        f32.readKeys(0, 0, 1, out);
        assertThat(out[0]).isEqualTo(v);
        assertThatThrownBy(() -> f32.store(0, 2, 1, new float[]{v}, new float[]{v})).hasMessageContaining("context size");
    }

    @Test
    void q8_0CacheStoresBlocksOf32WithOneScaleEach() {
        KvCache q8 = new KvCache(KvCacheType.Q8_0, 2, 3, 64);
        float[] k = new float[2 * 64];
        float[] v = new float[2 * 64];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) Math.sin(i * 0.37) * (i < 32 ? 1f : 0.01f);
            v[i] = -k[i];
        }
        q8.store(1, 1, 2, k, v);
        float[] back = new float[2 * 64];
        q8.readKeys(1, 1, 2, back);
        for (int i = 0; i < k.length; i++) {
            float amax = i < 32 ? 1f : 0.01f;
            // at most half a quantization step (amax/127) plus the fp16 rounding of the scale
            assertThat(back[i]).isCloseTo(k[i], within(amax / 127f * 0.51f + 1e-3f * amax));
        }
        q8.readValues(1, 1, 1, back);
        assertThat(back[5]).isCloseTo(v[5], within(1f / 127f));
    }

    @Test
    void causalGqaAttentionByHand() {
        // 2 query heads sharing 1 KV head of dim 2; two positions
        KvCache cache = new KvCache(KvCacheType.F32, 1, 4, 2);
        float[] k = {1f, 0f, 0f, 1f};
        float[] v = {10f, 0f, 0f, 20f};
        cache.store(0, 0, 2, k, v);
        float[] q = {
                1f, 0f, 0f, 0f,   // token 0: head 0 and head 1
                2f, 0f, 0f, 3f};  // token 1
        float[] out = new float[8];
        try (CpuBackend be = new CpuBackend(2)) {
            be.attention(q, 2, new int[]{0, 1}, cache, 0, 2, new Backend.AttentionConfig(2, 1, 2, 0.5f, 0), out);
        }
        // token 0 sees only position 0
        assertThat(out[0]).isEqualTo(10f);
        assertThat(out[1]).isEqualTo(0f);
        assertThat(out[2]).isEqualTo(10f);
        // token 1 head 0: scores (2·0.5, 0) = (1, 0)
        double a0 = Math.exp(1) / (Math.exp(1) + 1);
        assertThat(out[4]).isCloseTo((float) (10 * a0), within(1e-5f));
        assertThat(out[5]).isCloseTo((float) (20 * (1 - a0)), within(1e-5f));
        // token 1 head 1: scores (0, 1.5)
        double b1 = Math.exp(1.5) / (Math.exp(1.5) + 1);
        assertThat(out[6]).isCloseTo((float) (10 * (1 - b1)), within(1e-5f));
        assertThat(out[7]).isCloseTo((float) (20 * b1), within(1e-5f));
    }

    @Test
    void chunkedAttentionOnlySeesItsChunk() {
        KvCache cache = new KvCache(KvCacheType.F32, 1, 3, 1);
        cache.store(0, 0, 3, new float[]{1f, 1f, 1f}, new float[]{5f, 7f, 9f});
        float[] out = new float[1];
        try (CpuBackend be = new CpuBackend(1)) {
            // chunk length 2: position 2 starts a new chunk and sees only itself
            be.attention(new float[]{1f}, 1, new int[]{2}, cache, 0, 3, new Backend.AttentionConfig(1, 1, 1, 1f, 2), out);
            assertThat(out[0]).isEqualTo(9f);
            be.attention(new float[]{1f}, 1, new int[]{2}, cache, 0, 3, new Backend.AttentionConfig(1, 1, 1, 1f, 0), out);
            assertThat(out[0]).isCloseTo(7f, within(1e-5f));
        }
    }

    @Test
    void transposedKeysAndValueSlicesOfEveryCacheType() {
        int kvDim = 64;
        float[] k = new float[3 * kvDim];
        float[] v = new float[3 * kvDim];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) Math.cos(i * 0.11) * (1 + i % 7);
            v[i] = (float) Math.sin(i * 0.23) * (1 + i % 5);
        }
        for (KvCacheType type : KvCacheType.values()) {
            KvCache cache = new KvCache(type, 2, 5, kvDim);
            cache.store(1, 2, 3, k, v);
            float[] rows = new float[3 * kvDim];
            float[] vrows = new float[3 * kvDim];
            cache.readKeys(1, 2, 3, rows);
            cache.readValues(1, 2, 3, vrows);
            // channels 32..47 of cells 3..4, as the attention of KV head 2 of dim 16 reads them
            float[] kt = new float[16 * 2];
            float[] vs = new float[2 * 16];
            cache.keysTransposed(1, 32, 16, 3, 2, kt);
            cache.values(1, 32, 16, 3, 2, vs);
            for (int c = 0; c < 16; c++) {
                for (int j = 0; j < 2; j++) {
                    assertThat(kt[c * 2 + j]).as(type + " key").isEqualTo(rows[(1 + j) * kvDim + 32 + c]);
                    assertThat(vs[j * 16 + c]).as(type + " value").isEqualTo(vrows[(1 + j) * kvDim + 32 + c]);
                }
            }
            if (type == KvCacheType.F16) {
                assertThat(rows[kvDim + 5]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(k[kvDim + 5])));
            }
            assertThatThrownBy(() -> cache.keysTransposed(1, 60, 8, 0, 1, kt)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void f16WideningMatchesTheScalarConversionForEveryHalf() {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        float[] wide = new float[all.length];
        KvCache.widen(all, 0, wide, 0, all.length);
        for (int i = 0; i < all.length; i++) {
            float expected = Float.float16ToFloat(all[i]);
            if (Float.isNaN(expected)) {
                assertThat(wide[i]).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(wide[i])).as("half 0x%04x", i).isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
    }

    @Test
    void topKPicksLargestFirstAndFirstOnTies() {
        int[] out = new int[2];
        ForwardPass.topK(new float[]{0.5f, 2f, 2f, -1f}, 2, out, 0);
        assertThat(out).containsExactly(1, 2);
    }
}
