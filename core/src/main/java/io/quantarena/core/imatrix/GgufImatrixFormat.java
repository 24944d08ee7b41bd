package io.quantarena.core.imatrix;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufMetadata;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads mainline llama.cpp's GGUF imatrix files (spec/quantize-tool.md §6.2): tensors
 * {@code <name>.in_sum2} (or {@code <name>.sums}) with Σx² per column and expert, and
 * {@code <name>.counts} with the token counts per expert; KVs {@code imatrix.chunk_count},
 * {@code imatrix.chunk_size} and {@code imatrix.datasets}. Entries come out as
 * {@code convert_imatrix_gguf_to_dat.py} would write them, so llama-quantize's importance is
 * {@code in_sum2 / counts[0]} (the first expert's count is used for all experts, as there).
 */
public final class GgufImatrixFormat {

    static final String KEY_CHUNK_COUNT = "imatrix.chunk_count";
    static final String KEY_CHUNK_SIZE = "imatrix.chunk_size";
    static final String KEY_DATASETS = "imatrix.datasets";
    private static final String[] SUM_SUFFIXES = {".in_sum2", ".sums"};

    private GgufImatrixFormat() {
    }

    /** @throws IOException when a sum tensor has no counts tensor, or sizes disagree */
    public static Imatrix read(Path path) throws IOException {
        try (GgufFile f = GgufFile.open(path)) {
            GgufMetadata md = f.metadata();
            int chunkSize = md.getInt(KEY_CHUNK_SIZE, 512);
            if (chunkSize <= 0) {
                throw new IOException(path + ": " + KEY_CHUNK_SIZE + " = " + chunkSize + ", expected > 0");
            }
            int chunks = md.getInt(KEY_CHUNK_COUNT, 0);
            String dataset = null;
            if (md.has(KEY_DATASETS)) {
                List<String> ds = md.getStringArray(KEY_DATASETS);
                dataset = ds.isEmpty() ? null : String.join(",", ds);
            }
            List<ImatrixEntry> entries = new ArrayList<>();
            for (GgufTensorInfo t : f.tensors()) {
                String base = baseName(t.name());
                if (base == null) {
                    continue;
                }
                Optional<GgufTensorInfo> counts = f.findTensor(base + ".counts");
                if (counts.isEmpty()) {
                    throw new IOException(path + ": tensor '" + t.name() + "' has no '" + base + ".counts' tensor");
                }
                float[] sums = floats(f, t);
                float count0 = floats(f, counts.get())[0];
                entries.add(entry(base, sums, count0, chunkSize, path));
            }
            return new Imatrix(entries, chunks, dataset, path.getFileName().toString());
        }
    }

    /**
     * The converter writes ncall = counts[0]/chunk_size and values = sums/chunk_size; our
     * entries need an integer ncall, so ncall is rounded and the values scaled to keep
     * values/ncall = sums/counts[0] exactly as the converter's file would give.
     */
    private static ImatrixEntry entry(String name, float[] sums, float count0, int chunkSize, Path path) throws IOException {
        if (!(count0 >= 0) || !Float.isFinite(count0)) {
            throw new IOException(path + ": '" + name + ".counts'[0] = " + count0 + ", expected a count >= 0");
        }
        float[] values = new float[sums.length];
        int ncall;
        if (count0 == 0) {
            ncall = 0; // the converter's ncall is 0 here, so the quantizer does not divide
            for (int i = 0; i < sums.length; i++) {
                values[i] = sums[i] / chunkSize;
            }
        } else {
            ncall = (int) Math.max(1, Math.round(count0 / (double) chunkSize));
            for (int i = 0; i < sums.length; i++) {
                values[i] = (float) (sums[i] * (double) ncall / count0);
            }
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IOException(path + ": '" + name + "' value " + i + " is " + values[i] + ", expected a finite number");
            }
        }
        return new ImatrixEntry(name, ncall, values);
    }

    private static String baseName(String tensorName) {
        for (String s : SUM_SUFFIXES) {
            if (tensorName.endsWith(s) && tensorName.length() > s.length()) {
                return tensorName.substring(0, tensorName.length() - s.length());
            }
        }
        return null;
    }

    private static float[] floats(GgufFile f, GgufTensorInfo t) {
        QuantCodec c = QuantCodecs.forType(t.type());
        int ne0 = Math.toIntExact(t.ne(0));
        float[] out = new float[Math.toIntExact(t.elementCount())];
        for (long r = 0; r < t.rowCount(); r++) {
            c.dequantizeRow(f.tensorData(t), r * t.rowBytes(), out, (int) (r * ne0), ne0);
        }
        return out;
    }
}
