package io.quantarena.core.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough of a GGUF v2/v3 reader (spec/gguf.md §2–5) for tests to reach tensor bytes of the
 * shared reference files: memory-maps the file, skips the metadata values and lists the tensors.
 */
public final class MiniGgufReader implements AutoCloseable {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One tensor: ggml type id, dimensions (ne[0] = row length) and absolute file offset. */
    public record Tensor(String name, int typeId, long[] ne, long offset) {
        public long rows() {
            long r = 1;
            for (int i = 1; i < ne.length; i++) {
                r *= ne[i];
            }
            return r;
        }
    }

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment file;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private long pos;

    public MiniGgufReader(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (file.get(INT, 0) != 0x46554747) {
            throw new IllegalArgumentException(path + " is not a GGUF file");
        }
        pos = 8;
        long nTensors = u64();
        long nKv = u64();
        int alignment = 32;
        for (long i = 0; i < nKv; i++) {
            String key = string();
            int type = u32();
            if (key.equals("general.alignment") && type == 4) {
                alignment = file.get(INT, pos);
            }
            skipValue(type);
        }
        Tensor[] infos = new Tensor[(int) nTensors];
        for (int i = 0; i < nTensors; i++) {
            String name = string();
            long[] ne = new long[u32()];
            for (int d = 0; d < ne.length; d++) {
                ne[d] = u64();
            }
            int type = u32();
            infos[i] = new Tensor(name, type, ne, u64());
        }
        long dataOffset = (pos + alignment - 1) / alignment * alignment;
        for (Tensor t : infos) {
            tensors.put(t.name(), new Tensor(t.name(), t.typeId(), t.ne(), dataOffset + t.offset()));
        }
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The mapped file; tensor bytes start at {@link Tensor#offset()}. */
    public MemorySegment segment() {
        return file;
    }

    private void skipValue(int type) {
        switch (type) {
            case 0, 1, 7 -> pos += 1;
            case 2, 3 -> pos += 2;
            case 4, 5, 6 -> pos += 4;
            case 10, 11, 12 -> pos += 8;
            case 8 -> string();
            case 9 -> {
                int elemType = u32();
                long count = u64();
                for (long i = 0; i < count; i++) {
                    skipValue(elemType);
                }
            }
            default -> throw new IllegalArgumentException("unknown GGUF value type " + type + " at " + pos);
        }
    }

    private int u32() {
        int v = file.get(INT, pos);
        pos += 4;
        return v;
    }

    private long u64() {
        long v = file.get(LONG, pos);
        pos += 8;
        return v;
    }

    private String string() {
        int len = Math.toIntExact(u64());
        byte[] b = file.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
        pos += len;
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        arena.close();
    }
}
