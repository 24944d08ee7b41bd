package io.quantarena.core.gguf;

import io.quantarena.core.tensor.GgmlType;
import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GgufWriterTest {

    @TempDir
    Path tmp;

    /** Re-writes a model with the same metadata and tensors; llama.cpp's layout is reproduced exactly. */
    static void copyModel(GgufFile in, GgufWriter w) throws Exception {
        w.putAll(in.metadata());
        for (GgufTensorInfo t : in.tensors()) {
            w.addTensor(t);
        }
        for (GgufTensorInfo t : in.tensors()) {
            w.writeTensorData(in.tensorData(t));
        }
    }

    @Test
    void rewritesSharedModelsByteIdentically() throws Exception {
        for (String model : List.of("models/tiny-llama-bf16.gguf", "models/tiny-llama4-bf16.gguf")) {
            Path src = SharedAssets.path(model);
            Path out = tmp.resolve("copy.gguf");
            try (GgufFile in = GgufFile.open(src); GgufWriter w = GgufWriter.create(out)) {
                copyModel(in, w);
            }
            assertThat(Files.mismatch(src, out)).as(model).isEqualTo(-1L);
        }
    }

    @Test
    void roundTripsEveryValueTypeAndArray() throws Exception {
        Path out = tmp.resolve("types.gguf");
        List<String> vocab = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            vocab.add(i % 3 == 0 ? "tok" + i : i % 3 == 1 ? "ünï\u00e7ødé " + i : "");
        }
        GgufMetadata md;
        try (GgufWriter w = GgufWriter.create(out)) {
            w.put("u8", GgufValue.ofUInt8(200)).put("i8", GgufValue.ofInt8(-5))
                    .put("u16", GgufValue.ofUInt16(65535)).put("i16", GgufValue.ofInt16(-300))
                    .put("u32", GgufValue.ofUInt32(4_000_000_000L)).put("i32", GgufValue.ofInt32(-7))
                    .put("f32", GgufValue.ofFloat32(1.5e-5f)).put("bool", GgufValue.ofBool(true))
                    .put("str", GgufValue.ofString("héllo\nworld")).put("u64", GgufValue.ofUInt64(-1L))
                    .put("i64", GgufValue.ofInt64(Long.MIN_VALUE)).put("f64", GgufValue.ofFloat64(Math.PI))
                    .put("a.u8", GgufValue.ofArray(GgufValueType.UINT8, new byte[]{1, (byte) 255}))
                    .put("a.i16", GgufValue.ofArray(GgufValueType.INT16, new short[]{-1, 2, 3}))
                    .put("a.i32", GgufValue.ofInt32Array(new int[]{1, -2, 3}))
                    .put("a.u64", GgufValue.ofArray(GgufValueType.UINT64, new long[]{Long.MAX_VALUE, 0}))
                    .put("a.f32", GgufValue.ofFloat32Array(new float[]{0.5f, Float.NaN, -0f}))
                    .put("a.f64", GgufValue.ofArray(GgufValueType.FLOAT64, new double[]{1e300}))
                    .put("a.bool", GgufValue.ofArray(GgufValueType.BOOL, new boolean[]{true, false}))
                    .put("a.str", GgufValue.ofStringArray(vocab))
                    .put("a.empty", GgufValue.ofStringArray(List.of()));
            w.put("u8", GgufValue.ofUInt8(201)); // replaced in place, keeps first position
            md = w.metadata();
        }
        try (GgufFile f = GgufFile.open(out)) {
            GgufMetadata read = f.metadata();
            assertThat(List.copyOf(read.keys())).containsExactlyElementsOf(md.keys());
            assertThat(read.asMap()).isEqualTo(md.asMap());
            assertThat(read.getLong("u8")).isEqualTo(201);
            assertThat(read.getLong("u16")).isEqualTo(65535);
            assertThat(read.getLong("u32")).isEqualTo(4_000_000_000L);
            assertThatThrownBy(() -> read.getInt("u32")).hasMessageContaining("u32").hasMessageContaining("4000000000");
            assertThat(read.getInt("i16")).isEqualTo(-300);
            assertThat(read.getFloat("f64")).isEqualTo((float) Math.PI);
            assertThat(read.getBool("bool")).isTrue();
            assertThat(read.getString("str")).isEqualTo("héllo\nworld");
            assertThat(read.getStringArray("a.str")).isEqualTo(vocab);
            assertThat(read.getIntArray("a.i16")).containsExactly(-1, 2, 3);
            assertThat(read.getIntArray("a.u8")).containsExactly(1, 255);
            assertThat(read.getFloatArray("a.f64")).containsExactly((float) 1e300);
            assertThat(read.get("a.u64").describe(4)).isEqualTo("[UINT64 x 2] [9223372036854775807, 0]");
            assertThat(f.tensors()).isEmpty();
        }
    }

    @Test
    void alignsTensorsAndHonoursGeneralAlignment() throws Exception {
        Path out = tmp.resolve("aligned.gguf");
        byte[] a = new byte[3 * 4];
        byte[] b = new byte[64 * 34 / 32 * 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        try (GgufWriter w = GgufWriter.create(out)) {
            w.put(GgufHeader.KEY_ALIGNMENT, GgufValue.ofUInt32(64));
            w.addTensor("a", new long[]{3}, GgmlType.F32).addTensor("b", new long[]{64, 2}, GgmlType.Q8_0);
            w.writeTensorData(a);
            w.writeTensorData(sink -> {
                sink.write(b, 0, 10);
                sink.write(MemorySegment.ofArray(b).asSlice(10));
            });
        }
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(f.header(0).dataOffset() % 64).isZero();
            assertThat(f.tensor("b").offset()).isEqualTo(64);
            assertThat(f.tensorData(f.tensor("b")).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(b);
            assertThat(Files.size(out)).isEqualTo(f.header(0).dataOffset() + 64 + 192);
        }
    }

    @Test
    void rejectsWrongDataSizesAndMissingTensors() throws Exception {
        Path out = tmp.resolve("bad.gguf");
        GgufWriter w = GgufWriter.create(out);
        w.addTensor("x", new long[]{8}, GgmlType.F32).addTensor("y", new long[]{8}, GgmlType.F32);
        assertThatThrownBy(() -> w.addTensor("x", new long[]{8}, GgmlType.F32)).hasMessageContaining("duplicate tensor name 'x'");
        assertThatThrownBy(() -> w.addTensor("q", new long[]{31}, GgmlType.Q8_0)).hasMessageContaining("q").hasMessageContaining("31");
        assertThatThrownBy(() -> w.writeTensorData(new byte[31])).hasMessageContaining("'x'").hasMessageContaining("31");
        assertThatThrownBy(() -> w.put("k", GgufValue.ofBool(true))).hasMessageContaining("header was already written");
        assertThatThrownBy(w::close).hasMessageContaining("'x'").hasMessageContaining("0 of 2");
    }

    @Test
    void splitsBySizeAndReadsBackAsOneModel() throws Exception {
        Path src = SharedAssets.path("models/tiny-llama-bf16.gguf");
        Path out = tmp.resolve("split.gguf");
        List<Path> paths;
        try (GgufFile in = GgufFile.open(src); GgufWriter w = GgufWriter.create(out, GgufWriter.SplitPolicy.maxBytes(3_000_000))) {
            copyModel(in, w);
            paths = w.paths();
        }
        assertThat(paths).hasSizeGreaterThan(2);
        assertThat(paths.getFirst().getFileName().toString()).isEqualTo("split-00001-of-0000" + paths.size() + ".gguf");
        try (GgufFile in = GgufFile.open(src); GgufFile s = GgufFile.open(paths.getFirst())) {
            assertThat(s.fileCount()).isEqualTo(paths.size());
            assertThat(s.tensors()).extracting(GgufTensorInfo::name).containsExactlyElementsOf(in.tensors().stream().map(GgufTensorInfo::name).toList());
            for (GgufTensorInfo t : in.tensors()) {
                GgufTensorInfo st = s.tensor(t.name());
                assertThat(st.type()).isEqualTo(t.type());
                assertThat(st.ne()).isEqualTo(t.ne());
                assertThat(s.tensorData(st).mismatch(in.tensorData(t))).as(t.name()).isEqualTo(-1L);
            }
            for (int i = 0; i < s.fileCount(); i++) {
                GgufHeader h = s.header(i);
                assertThat(h.metadata().getInt(GgufSplitNaming.KEY_SPLIT_NO)).isEqualTo(i);
                assertThat(h.metadata().getInt(GgufSplitNaming.KEY_SPLIT_COUNT)).isEqualTo(paths.size());
                assertThat(h.metadata().getInt(GgufSplitNaming.KEY_SPLIT_TENSORS_COUNT)).isEqualTo(in.tensors().size());
                long data = h.tensors().stream().mapToLong(t -> (t.byteSize() + 31) & ~31L).sum();
                // a file exceeds the limit only when a single tensor alone does
                assertThat(data <= 3_000_000 || h.tensors().size() == 1).isTrue();
                if (i > 0) {
                    assertThat(h.metadata().size()).isEqualTo(3);
                }
            }
            // model metadata lives in the first file, followed by the split keys
            assertThat(List.copyOf(s.metadata().keys()).subList(0, in.metadata().size())).containsExactlyElementsOf(in.metadata().keys());
        }
        // a later split cannot be opened on its own as the model
        assertThatThrownBy(() -> GgufFile.open(paths.get(1))).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("split.no").hasMessageContaining("first split");
        // a missing split is reported
        Files.delete(paths.getLast());
        assertThatThrownBy(() -> GgufFile.open(paths.getFirst())).isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining(paths.getLast().getFileName().toString());
    }

    @Test
    void splitsByTensorCount() throws Exception {
        Path out = tmp.resolve("m.gguf");
        List<Path> paths;
        try (GgufWriter w = GgufWriter.create(out, GgufWriter.SplitPolicy.maxTensors(2))) {
            w.put("general.architecture", GgufValue.ofString("llama"));
            for (int i = 0; i < 5; i++) {
                w.addTensor("t" + i, new long[]{4}, GgmlType.F32);
            }
            for (int i = 0; i < 5; i++) {
                w.writeTensorData(new byte[16]);
            }
            paths = w.paths();
        }
        assertThat(paths).extracting(p -> p.getFileName().toString())
                .containsExactly("m-00001-of-00003.gguf", "m-00002-of-00003.gguf", "m-00003-of-00003.gguf");
        try (GgufFile f = GgufFile.open(paths.getFirst())) {
            assertThat(f.tensors()).extracting(GgufTensorInfo::fileIndex).containsExactly(0, 0, 1, 1, 2);
            assertThat(f.tensor("t3").offset()).isEqualTo(32);
            assertThat(f.metadata().getString("general.architecture")).isEqualTo("llama");
        }
    }
}
