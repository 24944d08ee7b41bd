package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufMetadata;
import io.quantarena.core.gguf.GgufSplitNaming;
import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.imatrix.Imatrix;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The key/value pairs of a quantized model (spec/quantize-tool.md §5.3): the input's in order
 * without split keys, {@code general.quantization_version}, the {@code --override-kv} entries,
 * the {@code quantize.imatrix.*} provenance, our {@code quantize.recipe} text, and
 * {@code general.file_type}. Keys already present keep their position.
 */
public final class QuantMetadata {

    /** Quantization format version llama-quantize writes ({@code GGML_QNT_VERSION}). */
    public static final int QUANTIZATION_VERSION = 2;
    public static final String KEY_QUANTIZATION_VERSION = "general.quantization_version";
    public static final String KEY_FILE_TYPE = "general.file_type";
    public static final String KEY_IMATRIX_FILE = "quantize.imatrix.file";
    public static final String KEY_IMATRIX_DATASET = "quantize.imatrix.dataset";
    public static final String KEY_IMATRIX_ENTRIES = "quantize.imatrix.entries_count";
    public static final String KEY_IMATRIX_CHUNKS = "quantize.imatrix.chunks_count";
    /** Not written by llama-quantize: the recipe as command-line arguments, for provenance. */
    public static final String KEY_RECIPE = "quantize.recipe";
    /** What {@code --hide-imatrix} writes instead of names. */
    static final String HIDDEN = "top_secret";

    private QuantMetadata() {
    }

    /** @param imatrix the importance data used, or null */
    public static Map<String, GgufValue> build(GgufMetadata input, Recipe recipe, Imatrix imatrix) {
        LinkedHashMap<String, GgufValue> md = new LinkedHashMap<>();
        for (Map.Entry<String, GgufValue> e : input.asMap().entrySet()) {
            String k = e.getKey();
            if (!k.equals(GgufSplitNaming.KEY_SPLIT_NO) && !k.equals(GgufSplitNaming.KEY_SPLIT_COUNT)
                    && !k.equals(GgufSplitNaming.KEY_SPLIT_TENSORS_COUNT)) {
                md.put(k, e.getValue());
            }
        }
        md.put(KEY_QUANTIZATION_VERSION, GgufValue.ofUInt32(QUANTIZATION_VERSION));
        for (KvOverride o : recipe.kvOverrides()) {
            md.put(o.key(), o.value());
        }
        if (imatrix != null && !imatrix.isEmpty()) {
            boolean hide = recipe.has(Recipe.Flag.HIDE_IMATRIX);
            md.put(KEY_IMATRIX_FILE, GgufValue.ofString(hide ? HIDDEN : imatrix.source().orElse("")));
            imatrix.dataset().ifPresent(d -> md.put(KEY_IMATRIX_DATASET, GgufValue.ofString(hide ? HIDDEN : d)));
            md.put(KEY_IMATRIX_ENTRIES, GgufValue.ofInt32(hide ? 0 : imatrix.size()));
            if (imatrix.chunkCount() > 0 && !hide) {
                md.put(KEY_IMATRIX_CHUNKS, GgufValue.ofInt32(imatrix.chunkCount()));
            }
        }
        md.put(KEY_RECIPE, GgufValue.ofString(recipe.text()));
        md.put(KEY_FILE_TYPE, GgufValue.ofUInt32(recipe.ftype().value()));
        return md;
    }
}
