package io.quantarena.core.recipe;

import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixAccumulator;
import io.quantarena.core.imatrix.ImatrixEntry;
import io.quantarena.core.imatrix.ImatrixFiles;
import io.quantarena.core.imatrix.LegacyImatrixFormat;

import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.gguf.GgufWriter;
import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The importance-matrix file formats and accumulator (package imatrix). */
class ImatrixFormatsTest {

    @TempDir
    Path tmp;

    /** A legacy file written field by field from the format table (spec/quantize-tool.md §6.1). */
    static byte[] legacyBytes(boolean trailer) {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(2);
        byte[] n1 = "blk.0.attn_q.weight".getBytes(StandardCharsets.UTF_8);
        b.putInt(n1.length).put(n1).putInt(4).putInt(3).putFloat(8f).putFloat(4f).putFloat(2f);
        byte[] n2 = "blk.0.ffn_down_exps.weight".getBytes(StandardCharsets.UTF_8);
        b.putInt(n2.length).put(n2).putInt(2).putInt(4).putFloat(1f).putFloat(2f).putFloat(3f).putFloat(4f);
        if (trailer) {
            byte[] ds = "calibration.txt".getBytes(StandardCharsets.UTF_8);
            b.putInt(543).putInt(ds.length).put(ds);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    @Test
    void readsTheLegacyLayoutAndDividesByNcall() throws IOException {
        Imatrix im = LegacyImatrixFormat.read(legacyBytes(true), "x.dat");
        assertThat(im.size()).isEqualTo(2);
        assertThat(im.chunkCount()).isEqualTo(543);
        assertThat(im.dataset()).contains("calibration.txt");
        assertThat(im.source()).contains("x.dat");
        ImatrixEntry q = im.find("blk.0.attn_q.weight").orElseThrow();
        assertThat(q.ncall()).isEqualTo(4);
        assertThat(q.values()).containsExactly(8f, 4f, 2f);
        assertThat(q.importance()).containsExactly(2f, 1f, 0.5f);

        Imatrix bare = LegacyImatrixFormat.read(legacyBytes(false), "y.dat"); // the trailer is optional
        assertThat(bare.chunkCount()).isZero();
        assertThat(bare.dataset()).isEmpty();
        assertThat(bare.entries()).isEqualTo(im.entries());
    }

    @Test
    void writesByteForByteWhatItReadsAndRoundTrips() throws IOException {
        byte[] original = legacyBytes(true);
        Imatrix im = LegacyImatrixFormat.read(original, "x.dat");
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        LegacyImatrixFormat.write(im, bos);
        assertThat(bos.toByteArray()).isEqualTo(original);

        List<ImatrixEntry> entries = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 20; i++) {
            float[] v = new float[1 + rnd.nextInt(600)];
            for (int j = 0; j < v.length; j++) {
                v[j] = rnd.nextFloat() * 1e4f;
            }
            entries.add(new ImatrixEntry("blk." + i + ".ffn_up.weight", rnd.nextInt(1000), v));
        }
        Imatrix big = new Imatrix(entries, 77, "dataset.txt", null);
        Path f = tmp.resolve("big.dat");
        ImatrixFiles.write(big, f);
        Imatrix back = ImatrixFiles.read(f);
        assertThat(back.entries()).isEqualTo(big.entries());
        assertThat(back.chunkCount()).isEqualTo(77);
        assertThat(back.dataset()).contains("dataset.txt");
        assertThat(back.source()).contains("big.dat");
    }

    @Test
    void rejectsMalformedFilesNamingTheProblem() {
        byte[] ok = legacyBytes(true);
        assertThatThrownBy(() -> LegacyImatrixFormat.read(java.util.Arrays.copyOf(ok, 40), "t.dat"))
                .isInstanceOf(IOException.class).hasMessageContaining("t.dat");
        byte[] nan = ok.clone();
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 + 4 + 19 + 8, Float.NaN);
        assertThatThrownBy(() -> LegacyImatrixFormat.read(nan, "n.dat"))
                .hasMessageContaining("'blk.0.attn_q.weight' value 0 is NaN");
        byte[] zeroVals = ok.clone();
        ByteBuffer.wrap(zeroVals).order(ByteOrder.LITTLE_ENDIAN).putInt(4 + 4 + 19 + 4, 0);
        assertThatThrownBy(() -> LegacyImatrixFormat.read(zeroVals, "z.dat")).hasMessageContaining("has 0 values");
        byte[] huge = ok.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1 << 30);
        assertThatThrownBy(() -> LegacyImatrixFormat.read(huge, "h.dat")).hasMessageContaining("entry count");
    }

    @Test
    void readsGgufImatrixAsTheConverterWould() throws IOException {
        Path f = tmp.resolve("imatrix.gguf");
        try (GgufWriter w = GgufWriter.create(f)) {
            w.put("general.type", GgufValue.ofString("imatrix"));
            w.put("imatrix.chunk_count", GgufValue.ofUInt32(10));
            w.put("imatrix.chunk_size", GgufValue.ofUInt32(512));
            w.put("imatrix.datasets", GgufValue.ofStringArray(List.of("calibration.txt")));
            w.addTensor("blk.0.attn_q.weight.in_sum2", new long[]{2, 1}, GgmlType.F32);
            w.addTensor("blk.0.attn_q.weight.counts", new long[]{1, 1}, GgmlType.F32);
            w.addTensor("blk.0.ffn_up_exps.weight.in_sum2", new long[]{2, 2}, GgmlType.F32);
            w.addTensor("blk.0.ffn_up_exps.weight.counts", new long[]{1, 2}, GgmlType.F32);
            w.writeTensorData(floats(5120f, 10240f));
            w.writeTensorData(floats(5120f));
            w.writeTensorData(floats(300f, 600f, 900f, 1200f));
            w.writeTensorData(floats(100f, 700f)); // per-expert counts: the converter uses the first for all
        }
        Imatrix im = ImatrixFiles.read(f);
        assertThat(im.chunkCount()).isEqualTo(10);
        assertThat(im.dataset()).contains("calibration.txt");
        ImatrixEntry q = im.find("blk.0.attn_q.weight").orElseThrow();
        assertThat(q.ncall()).isEqualTo(10); // 5120 tokens / 512
        assertThat(q.importance()).containsExactly(1f, 2f); // in_sum2 / counts[0]
        ImatrixEntry e = im.find("blk.0.ffn_up_exps.weight").orElseThrow();
        assertThat(e.importance()).usingComparatorWithPrecision(1e-5f).containsExactly(3f, 6f, 9f, 12f);
    }

    @Test
    void accumulatesMeanSquaresTimesNcallPerExpert() {
        ImatrixAccumulator acc = new ImatrixAccumulator();
        // two calls of 16 rows on a dense weight with 2 columns: x = (r, 1) for row r
        for (int call = 0; call < 2; call++) {
            float[] x = new float[32];
            for (int r = 0; r < 16; r++) {
                x[2 * r] = r;
                x[2 * r + 1] = 1;
            }
            acc.addDense("blk.0.attn_q.weight", x, 0, 16, 2);
        }
        // one MoE call: 3 rows to experts 1, 0, 1 of 3 (expert 2 gets nothing)
        acc.addExperts("blk.0.ffn_up_exps.weight", 3, new float[]{1, 2, 3, 4, 5, 6}, 0, new int[]{1, 0, 1}, 3, 2);
        List<String> warnings = new ArrayList<>();
        Imatrix im = acc.toImatrix("calib.txt", warnings::add);

        ImatrixEntry q = im.find("blk.0.attn_q.weight").orElseThrow();
        assertThat(q.ncall()).isEqualTo(2);
        double meanSq = sumOfSquares(16) / 16.0; // mean of r² over r = 0..15
        assertThat(q.importance()[0]).isCloseTo((float) meanSq, within(1e-4f));
        assertThat(q.importance()[1]).isEqualTo(1f);
        assertThat(q.values()[0]).isCloseTo((float) (meanSq * 2), within(1e-3f));
        // an expert without data makes the whole MoE entry unusable with 3 experts (round(0.15) = 0 allowed)
        assertThat(im.find("blk.0.ffn_up_exps.weight")).isEmpty();
        assertThat(warnings).anyMatch(w -> w.contains("blk.0.ffn_up_exps.weight"));
        assertThat(im.chunkCount()).isEqualTo(2);
        assertThat(im.dataset()).contains("calib.txt");

        acc.addExperts("blk.0.ffn_up_exps.weight", 3, new float[]{2, 2}, 0, new int[]{2}, 1, 2);
        ImatrixEntry e = acc.toImatrix(null, w -> { }).find("blk.0.ffn_up_exps.weight").orElseThrow();
        assertThat(e.ncall()).isEqualTo(2);
        // expert 0: one row (3,4); expert 1: rows (1,2), (5,6); expert 2: (2,2)
        assertThat(e.importance()).containsExactly(9f, 16f, 13f, 20f, 4f, 4f);

        assertThatThrownBy(() -> acc.addDense("blk.1.attn_q.weight", new float[]{Float.NaN, 0}, 0, 1, 2))
                .hasMessageContaining("blk.1.attn_q.weight").hasMessageContaining("NaN");
        assertThatThrownBy(() -> acc.addDense("blk.0.attn_q.weight", new float[3], 0, 1, 3)).hasMessageContaining("ne0 2");
    }

    @Test
    void mergingStoredFilesAddsValuesAndCalls() {
        Imatrix a = new Imatrix(List.of(new ImatrixEntry("w", 2, new float[]{4, 8})), 2, null, null);
        Imatrix b = new Imatrix(List.of(new ImatrixEntry("w", 3, new float[]{3, 3})), 3, null, null);
        ImatrixAccumulator acc = new ImatrixAccumulator();
        acc.merge(a, n -> 1);
        acc.merge(b, n -> 1);
        ImatrixEntry w = acc.toImatrix(null, x -> { }).find("w").orElseThrow();
        assertThat(w.ncall()).isEqualTo(5);
        assertThat(w.values()).containsExactly(7f, 11f);
    }

    @Test
    void collectionPolicyAndNameCleaning() {
        assertThat(ImatrixAccumulator.collectsDense("blk.3.attn_q.weight", 16, false)).isTrue();
        assertThat(ImatrixAccumulator.collectsDense("blk.3.attn_q.weight", 15, false)).isFalse();
        assertThat(ImatrixAccumulator.collectsDense("output.weight", 512, false)).isFalse();
        assertThat(ImatrixAccumulator.collectsDense("output.weight", 512, true)).isTrue();
        assertThat(ImatrixAccumulator.cleanName("CUDA0#blk.0.attn_q.weight#0")).isEqualTo("blk.0.attn_q.weight");
        assertThat(ImatrixAccumulator.cleanName("blk.0.attn_q.weight")).isEqualTo("blk.0.attn_q.weight");
    }

    @Test
    void filtersEntriesBySubstring() {
        Imatrix im = new Imatrix(List.of(new ImatrixEntry("blk.0.attn_q.weight", 1, new float[1]),
                new ImatrixEntry("blk.0.ffn_up.weight", 1, new float[1])), 1, null, null);
        assertThat(im.filtered(List.of("attn"), List.of()).entries()).extracting(ImatrixEntry::name).containsExactly("blk.0.attn_q.weight");
        assertThat(im.filtered(List.of(), List.of("attn")).entries()).extracting(ImatrixEntry::name).containsExactly("blk.0.ffn_up.weight");
        assertThatThrownBy(() -> im.filtered(List.of("a"), List.of("b"))).hasMessageContaining("cannot be combined");
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static long sumOfSquares(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += (long) i * i;
        }
        return s;
    }
}
