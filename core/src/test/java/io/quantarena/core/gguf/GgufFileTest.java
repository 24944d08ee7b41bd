package io.quantarena.core.gguf;

import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufFileTest {

    static final Path TINY_LLAMA = SharedAssets.path("models/tiny-llama-bf16.gguf");

    @Test
    void readsTinyLlamaHeader() throws Exception {
        try (GgufFile f = GgufFile.open(TINY_LLAMA)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.alignment()).isEqualTo(32);
            GgufMetadata md = f.metadata();
            // first keys in file order, as llama.cpp's converter wrote them
            assertThat(md.keys()).startsWith("general.architecture", "general.name", "general.file_type");
            assertThat(md.getString("general.architecture")).isEqualTo("llama");
            assertThat(md.getLong("general.file_type")).isEqualTo(32); // MOSTLY_BF16
            int nEmbd = md.getInt("llama.embedding_length");
            int nLayer = md.getInt("llama.block_count");
            int nVocab = md.getStringArray("tokenizer.ggml.tokens").size();
            assertThat(md.getFloat("llama.attention.layer_norm_rms_epsilon")).isPositive();

            assertThat(f.tensors()).hasSize(2 + 9 * nLayer + (f.findTensor("output.weight").isPresent() ? 1 : 0)
                    + (f.findTensor("rope_freqs.weight").isPresent() ? 1 : 0));
            GgufTensorInfo emb = f.tensor("token_embd.weight");
            assertThat(emb.ne()).containsExactly(nEmbd, nVocab);
            assertThat(emb.type()).isEqualTo(GgmlType.BF16);
            assertThat(emb.byteSize()).isEqualTo(2L * nEmbd * nVocab);
            assertThat(f.tensor("output_norm.weight").type()).isEqualTo(GgmlType.F32);
            assertThat(f.tensor("output_norm.weight").nDims()).isEqualTo(1);

            // tensors are laid out back to back with 32-byte padding, the last one ends at the file end
            long expectedOffset = 0;
            for (GgufTensorInfo t : f.tensors()) {
                assertThat(t.offset()).as(t.name()).isEqualTo(expectedOffset);
                expectedOffset += (t.byteSize() + 31) & ~31L;
            }
            assertThat(f.header(0).dataOffset() + expectedOffset).isEqualTo(Files.size(TINY_LLAMA));

            MemorySegment norm = f.tensorData(f.tensor("output_norm.weight"));
            assertThat(norm.byteSize()).isEqualTo(4L * nEmbd);
            assertThat(norm.isReadOnly()).isTrue();
            float w0 = norm.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0);
            assertThat(Float.isFinite(w0)).isTrue();
        }
    }

    @Test
    void missingTensorNamesTensorAndFile() throws Exception {
        try (GgufFile f = GgufFile.open(TINY_LLAMA)) {
            assertThatThrownBy(() -> f.tensor("blk.99.attn_q.weight"))
                    .hasMessageContaining("blk.99.attn_q.weight").hasMessageContaining("tiny-llama-bf16.gguf");
            assertThat(f.findTensor("nope")).isEmpty();
            assertThatThrownBy(() -> f.metadata().getString("llama.block_count"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("llama.block_count").hasMessageContaining("UINT32");
        }
    }

    @Test
    void readsLlama4Model() throws Exception {
        try (GgufFile f = GgufFile.open(SharedAssets.path("models/tiny-llama4-bf16.gguf"))) {
            assertThat(f.metadata().getString("general.architecture")).isEqualTo("llama4");
            assertThat(f.tensors()).isNotEmpty();
            for (GgufTensorInfo t : f.tensors()) {
                assertThat(f.tensorData(t).byteSize()).isEqualTo(t.byteSize());
            }
        }
    }

    @Test
    void mapsFilesLargerThan2GiB(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        // a sparse file: 2 GiB of zeros for tensor "a", then tensor "b" past the 2^31 boundary
        long aBytes = 1L << 31;
        byte[] header = HeaderBytes.gguf(3, 2, 0)
                .tensor("a", new long[]{aBytes / 4}, 0, 0)
                .tensor("b", new long[]{8}, 0, aBytes)
                .data(0).bytes();
        Path big = tmp.resolve("big.gguf");
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            raf.write(header);
            raf.setLength(header.length + aBytes + 32);
            raf.seek(header.length + aBytes + 28);
            raf.write(new byte[]{0, 0, (byte) 0x80, 0x3f}); // 1.0f little-endian, last element of b
        }
        try (GgufFile f = GgufFile.open(big)) {
            GgufTensorInfo b = f.tensor("b");
            assertThat(f.header(0).absoluteOffset(b)).isGreaterThan(Integer.MAX_VALUE);
            MemorySegment data = f.tensorData(b);
            assertThat(data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 28)).isEqualTo(1.0f);
            assertThat(f.tensorData(f.tensor("a")).byteSize()).isEqualTo(aBytes);
        }
    }
}
