package io.quantarena.core.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF model opened read-only and memory-mapped (all files of a split model together).
 * Tensor data are zero-copy views into the mapping, valid until {@link #close()}.
 * Thread-safe for reading; close once, when no thread uses its segments any more.
 */
public final class GgufFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final List<GgufHeader> headers;
    private final List<MemorySegment> mappings;
    private final List<Path> paths;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> byName;

    private GgufFile(Path path, Arena arena, List<Path> paths, List<GgufHeader> headers, List<MemorySegment> mappings,
                     List<GgufTensorInfo> tensors) {
        this.path = path;
        this.arena = arena;
        this.paths = List.copyOf(paths);
        this.headers = List.copyOf(headers);
        this.mappings = List.copyOf(mappings);
        this.tensors = Collections.unmodifiableList(tensors);
        this.byName = HashMap.newHashMap(tensors.size());
        for (GgufTensorInfo t : tensors) {
            byName.put(t.name(), t);
        }
    }

    /**
     * Opens and validates a GGUF file. When its {@code split.count} is above 1 it must be the
     * first split ({@code split.no} 0, e.g. {@code model-00001-of-00003.gguf}); the other splits
     * are opened by the naming rule and their tensors appended in order.
     *
     * @throws GgufFormatException when any file violates the format or the splits do not match
     */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            List<Path> paths = new ArrayList<>();
            List<GgufHeader> headers = new ArrayList<>();
            List<MemorySegment> maps = new ArrayList<>();
            MemorySegment first = map(path, arena);
            GgufHeader h0 = GgufHeader.parse(first, path.toString(), 0);
            paths.add(path);
            headers.add(h0);
            maps.add(first);
            List<GgufTensorInfo> tensors = new ArrayList<>(h0.tensors());

            int count = splitKey(h0, GgufSplitNaming.KEY_SPLIT_COUNT, 1);
            if (count > 1) {
                int no = splitKey(h0, GgufSplitNaming.KEY_SPLIT_NO, 0);
                if (no != 0) {
                    throw new GgufFormatException(path.toString(), "kv '" + GgufSplitNaming.KEY_SPLIT_NO + "'",
                            no + ": this is split " + (no + 1) + " of " + count + "; open the first split (split.no 0)");
                }
                GgufSplitNaming.SplitName name = GgufSplitNaming.parse(path)
                        .filter(n -> n.index() == 0 && n.count() == count)
                        .orElseThrow(() -> new GgufFormatException(path.toString(), "kv '" + GgufSplitNaming.KEY_SPLIT_COUNT + "'",
                                count + " splits, but the file name does not end in -00001-of-"
                                        + String.format("%05d", count) + ".gguf, so the other splits cannot be found"));
                for (int i = 1; i < count; i++) {
                    Path p = GgufSplitNaming.splitPath(name.prefix(), i, count);
                    MemorySegment m = map(p, arena);
                    GgufHeader h = GgufHeader.parse(m, p.toString(), i);
                    int hNo = splitKey(h, GgufSplitNaming.KEY_SPLIT_NO, -1);
                    if (hNo != i) {
                        throw new GgufFormatException(p.toString(), "kv '" + GgufSplitNaming.KEY_SPLIT_NO + "'",
                                (hNo < 0 ? "missing" : Integer.toString(hNo)) + ", expected " + i);
                    }
                    paths.add(p);
                    headers.add(h);
                    maps.add(m);
                    tensors.addAll(h.tensors());
                }
                long expected = h0.metadata().has(GgufSplitNaming.KEY_SPLIT_TENSORS_COUNT)
                        ? splitKey(h0, GgufSplitNaming.KEY_SPLIT_TENSORS_COUNT, 0) : tensors.size();
                if (expected != tensors.size()) {
                    throw new GgufFormatException(path.toString(), "kv '" + GgufSplitNaming.KEY_SPLIT_TENSORS_COUNT + "'",
                            expected + ", but the " + count + " splits hold " + tensors.size() + " tensors");
                }
                checkUniqueNames(tensors, paths);
            }
            return new GgufFile(path, arena, paths, headers, maps, tensors);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static MemorySegment map(Path p, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            // the mapping stays valid after the channel is closed, until the arena closes
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
    }

    private static int splitKey(GgufHeader h, String key, int absent) throws GgufFormatException {
        Optional<GgufValue> v = h.metadata().find(key);
        if (v.isEmpty()) {
            return absent;
        }
        if (!v.get().type().isInteger()) {
            throw new GgufFormatException(h.source(), "kv '" + key + "'", "has type " + v.get().type() + ", expected an integer");
        }
        long x = v.get().asLong();
        if (x < 0 || x > 99999) {
            throw new GgufFormatException(h.source(), "kv '" + key + "'", x + " is out of range 0..99999");
        }
        return (int) x;
    }

    private static void checkUniqueNames(List<GgufTensorInfo> tensors, List<Path> paths) throws GgufFormatException {
        Map<String, Integer> seen = HashMap.newHashMap(tensors.size());
        for (GgufTensorInfo t : tensors) {
            Integer prev = seen.putIfAbsent(t.name(), t.fileIndex());
            if (prev != null) {
                throw new GgufFormatException(paths.get(t.fileIndex()).toString(), "tensor '" + t.name() + "'",
                        "duplicate tensor name, also in " + paths.get(prev));
            }
        }
    }

    /** The path given to {@link #open}. */
    public Path path() {
        return path;
    }

    /** All files of the model (one unless split), in split order. */
    public List<Path> paths() {
        return paths;
    }

    public int fileCount() {
        return paths.size();
    }

    /** Header of file {@code i} (0 = the first). */
    public GgufHeader header(int fileIndex) {
        return headers.get(fileIndex);
    }

    public int version() {
        return headers.getFirst().version();
    }

    public int alignment() {
        return headers.getFirst().alignment();
    }

    /** The first file's metadata (split models keep model metadata there). */
    public GgufMetadata metadata() {
        return headers.getFirst().metadata();
    }

    /** All tensors in file order (split order for split models). */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    public Optional<GgufTensorInfo> findTensor(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The tensor with this name, or an exception naming it and the file. */
    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("tensor '" + name + "' not found in " + path + " (" + tensors.size() + " tensors)");
        }
        return t;
    }

    /** Zero-copy read-only view of exactly {@code t.byteSize()} bytes. */
    public MemorySegment tensorData(GgufTensorInfo t) {
        GgufHeader h = headers.get(t.fileIndex());
        return mappings.get(t.fileIndex()).asSlice(h.dataOffset() + t.offset(), t.byteSize()).asReadOnly();
    }

    /** The whole mapped file {@code i}, read-only. */
    public MemorySegment fileSegment(int fileIndex) {
        return mappings.get(fileIndex).asReadOnly();
    }

    /** Total tensor data bytes (without padding). */
    public long tensorBytes() {
        long n = 0;
        for (GgufTensorInfo t : tensors) {
            n += t.byteSize();
        }
        return n;
    }

    /** Total elements of all tensors. */
    public long parameterCount() {
        long n = 0;
        for (GgufTensorInfo t : tensors) {
            n += t.elementCount();
        }
        return n;
    }

    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", " + tensors.size() + " tensors, " + metadata().size() + " keys]";
    }
}
