package io.quantarena.core.gguf;

import io.quantarena.core.tensor.GgmlType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Streaming GGUF v3 writer (spec/gguf.md §2-§5, §9).
 *
 * <p>Use in three phases: set metadata ({@link #put}, order preserved; putting an existing key
 * replaces its value in place) and declare tensors ({@link #addTensor}); then write each
 * tensor's data, in declared order, with one {@code writeTensorData} call per tensor; then
 * {@link #close()}. The header is written when the first tensor's data arrives (offsets follow
 * from the declared shapes), so the writer never holds more than one chunk of tensor data.
 *
 * <p>Alignment is {@code general.alignment} when set (UINT32 power of two), else 32. With a
 * {@link SplitPolicy} the model is written as {@code <prefix>-0000i-of-0000n.gguf} files
 * (prefix = output path without {@code .gguf}); the first holds all metadata plus the
 * {@code split.*} keys, the others only the {@code split.*} keys, like gguf-split.
 */
public final class GgufWriter implements AutoCloseable {

    /**
     * When to start a new split file: before a tensor whose padded data would take the current
     * file past {@code maxBytes} of tensor data, or when it already holds {@code maxTensors}
     * tensors. A file always takes at least one tensor. 0 disables a limit.
     */
    public record SplitPolicy(long maxBytes, int maxTensors) {
        public SplitPolicy {
            if (maxBytes < 0 || maxTensors < 0) {
                throw new IllegalArgumentException("split limits must be >= 0, got maxBytes=" + maxBytes + " maxTensors=" + maxTensors);
            }
        }

        public static SplitPolicy maxBytes(long maxBytes) {
            return new SplitPolicy(maxBytes, 0);
        }

        public static SplitPolicy maxTensors(int maxTensors) {
            return new SplitPolicy(0, maxTensors);
        }
    }

    /** Receives the bytes of one tensor, possibly in many chunks; see {@link #writeTensorData(TensorDataSource)}. */
    @FunctionalInterface
    public interface TensorDataSource {
        void writeTo(TensorSink sink) throws IOException;
    }

    private static final int BUFFER_BYTES = 1 << 22;
    private static final int MAX_DIRECT_WRITE = 1 << 30;

    private final Path path;
    private final SplitPolicy split;
    private final LinkedHashMap<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<GgufTensorInfo> declared = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final List<Path> paths = new ArrayList<>();

    private List<List<GgufTensorInfo>> layout; // per file, with final offsets; null until the header is written
    private int alignment;
    private int nextTensor;
    private int currentFile = -1;
    private FileChannel channel;
    private boolean closed;
    private long bytesWritten;

    private GgufWriter(Path path, SplitPolicy split) {
        this.path = path;
        this.split = split;
    }

    /** A writer producing the single file {@code path} (created or truncated). */
    public static GgufWriter create(Path path) {
        return new GgufWriter(path, null);
    }

    /** A writer producing split files named after {@code path} (see the class doc). */
    public static GgufWriter create(Path path, SplitPolicy split) {
        return new GgufWriter(path, java.util.Objects.requireNonNull(split, "split"));
    }

    // ---- phase 1: metadata and tensor declarations ----------------------------------------

    /** Sets a key; an existing key keeps its position. */
    public GgufWriter put(String key, GgufValue value) {
        requireHeaderOpen("put metadata '" + key + "'");
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("metadata key must not be empty");
        }
        metadata.put(key, java.util.Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Copies all entries in order. */
    public GgufWriter putAll(GgufMetadata md) {
        for (Map.Entry<String, GgufValue> e : md.asMap().entrySet()) {
            put(e.getKey(), e.getValue());
        }
        return this;
    }

    public GgufWriter remove(String key) {
        requireHeaderOpen("remove metadata '" + key + "'");
        metadata.remove(key);
        return this;
    }

    /** Snapshot of the metadata set so far, in order (without split keys). */
    public GgufMetadata metadata() {
        return new GgufMetadata(metadata, path.toString());
    }

    /** Declares the next tensor. */
    public GgufWriter addTensor(String name, long[] ne, GgmlType type) {
        requireHeaderOpen("add tensor '" + name + "'");
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        if (ne.length < 1 || ne.length > 4) {
            names.remove(name);
            throw new IllegalArgumentException("tensor '" + name + "' has " + ne.length + " dimensions, expected 1..4");
        }
        for (int d = 0; d < ne.length; d++) {
            if (ne[d] <= 0) {
                names.remove(name);
                throw new IllegalArgumentException("tensor '" + name + "' ne[" + d + "] = " + ne[d] + ", expected > 0");
            }
        }
        try {
            declared.add(GgufTensorInfo.of(name, ne, type, 0, 0));
        } catch (RuntimeException e) {
            names.remove(name);
            throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
        }
        return this;
    }

    /** Declares the next tensor with the shape and type of {@code t}. */
    public GgufWriter addTensor(GgufTensorInfo t) {
        return addTensor(t.name(), t.ne(), t.type());
    }

    /** Declared tensors so far (offsets are final only after the first data write). */
    public List<GgufTensorInfo> tensors() {
        return layout == null ? Collections.unmodifiableList(declared) : layout.stream().flatMap(List::stream).toList();
    }

    // ---- phase 2: tensor data -------------------------------------------------------------

    /** Writes the next tensor's data; {@code data} must hold exactly its byte size. */
    public void writeTensorData(MemorySegment data) throws IOException {
        writeTensorData(sink -> sink.write(data));
    }

    public void writeTensorData(byte[] data) throws IOException {
        writeTensorData(MemorySegment.ofArray(data));
    }

    /** Writes the next tensor's data through a callback that may deliver it in chunks. */
    public void writeTensorData(TensorDataSource source) throws IOException {
        ensureHeaderWritten();
        if (nextTensor >= declared.size()) {
            throw new IllegalStateException("all " + declared.size() + " declared tensors were already written");
        }
        GgufTensorInfo t = layoutTensor(nextTensor);
        if (t.fileIndex() != currentFile) {
            openFile(t.fileIndex());
        }
        TensorSink sink = new TensorSink(t);
        source.writeTo(sink);
        if (sink.written != t.byteSize()) {
            throw new IllegalStateException("tensor '" + t.name() + "': " + sink.written + " bytes written, expected " + t.byteSize());
        }
        sink.closed = true;
        writeZeros(pad(t.byteSize(), alignment) - t.byteSize());
        nextTensor++;
    }

    /** Sink for one tensor's bytes; rejects more than the tensor's size. */
    public final class TensorSink {
        private final GgufTensorInfo tensor;
        private long written;
        private boolean closed;

        private TensorSink(GgufTensorInfo tensor) {
            this.tensor = tensor;
        }

        public GgufTensorInfo tensor() {
            return tensor;
        }

        public long remaining() {
            return tensor.byteSize() - written;
        }

        public void write(MemorySegment chunk) throws IOException {
            if (closed) {
                throw new IllegalStateException("tensor '" + tensor.name() + "' is already complete");
            }
            if (chunk.byteSize() > remaining()) {
                throw new IllegalStateException("tensor '" + tensor.name() + "': chunk of " + chunk.byteSize() + " bytes exceeds the "
                        + remaining() + " bytes remaining of " + tensor.byteSize());
            }
            writeBytes(chunk);
            written += chunk.byteSize();
        }

        public void write(byte[] b, int off, int len) throws IOException {
            write(MemorySegment.ofArray(b).asSlice(off, len));
        }
    }

    /** Bytes handed to the output so far, over all files (headers, data and padding). */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Output files (known after the first data write or close). */
    public List<Path> paths() {
        return List.copyOf(paths);
    }

    /**
     * Writes the header if no data was written (tensor-less files), closes the output and checks
     * that every declared tensor was written.
     *
     * @throws IllegalStateException naming the first missing tensor when data are incomplete
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            ensureHeaderWritten();
            if (currentFile < 0) {
                openFile(0); // no tensors: the single file is just a header
            }
            flush();
        } finally {
            closed = true;
            if (channel != null) {
                channel.close();
            }
        }
        if (nextTensor < declared.size()) {
            throw new IllegalStateException("GGUF writer closed after " + nextTensor + " of " + declared.size()
                    + " tensors; '" + declared.get(nextTensor).name() + "' and later have no data, " + paths + " incomplete");
        }
    }

    /**
     * Abandons the output: closes and deletes the files written so far. Use on failure or
     * cancellation instead of {@link #close()}; a later close() does nothing.
     */
    public void abort() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null) {
            channel.close();
        }
        for (Path p : paths) {
            java.nio.file.Files.deleteIfExists(p);
        }
    }

    // ---- internals ------------------------------------------------------------------------

    private void requireHeaderOpen(String what) {
        if (layout != null || closed) {
            throw new IllegalStateException("cannot " + what + ": the GGUF header was already written");
        }
    }

    private GgufTensorInfo layoutTensor(int globalIndex) {
        int i = globalIndex;
        for (List<GgufTensorInfo> file : layout) {
            if (i < file.size()) {
                return file.get(i);
            }
            i -= file.size();
        }
        throw new IndexOutOfBoundsException(globalIndex);
    }

    private void ensureHeaderWritten() {
        if (layout != null) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("GGUF writer is closed");
        }
        alignment = alignmentOf(metadata.get(GgufHeader.KEY_ALIGNMENT));
        layout = new ArrayList<>();
        List<GgufTensorInfo> file = new ArrayList<>();
        long fileBytes = 0;
        for (GgufTensorInfo t : declared) {
            long padded = pad(t.byteSize(), alignment);
            boolean full = split != null && !file.isEmpty()
                    && ((split.maxBytes() > 0 && fileBytes + padded > split.maxBytes())
                    || (split.maxTensors() > 0 && file.size() >= split.maxTensors()));
            if (full) {
                layout.add(file);
                file = new ArrayList<>();
                fileBytes = 0;
            }
            file.add(t.withFileAndOffset(layout.size(), fileBytes));
            fileBytes += padded;
        }
        layout.add(file);
        if (split == null) {
            paths.add(path);
        } else {
            Path prefix = GgufSplitNaming.prefixOf(path);
            for (int i = 0; i < layout.size(); i++) {
                paths.add(GgufSplitNaming.splitPath(prefix, i, layout.size()));
            }
        }
    }

    private static int alignmentOf(GgufValue v) {
        if (v == null) {
            return GgufHeader.DEFAULT_ALIGNMENT;
        }
        if (v.type() != GgufValueType.UINT32) {
            throw new IllegalArgumentException(GgufHeader.KEY_ALIGNMENT + " must be UINT32, got " + v.type());
        }
        long a = v.asLong();
        if (a == 0 || (a & (a - 1)) != 0 || a > (1 << 30)) {
            throw new IllegalArgumentException(GgufHeader.KEY_ALIGNMENT + " = " + a + " is not a power of two (up to 2^30)");
        }
        return (int) a;
    }

    private void openFile(int index) throws IOException {
        if (channel != null) {
            flush();
            channel.close();
            channel = null;
        }
        currentFile = index;
        channel = FileChannel.open(paths.get(index), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        writeBytes(MemorySegment.ofArray(GgufHeaderEncoder.encode(metadataForFile(index), layout.get(index), alignment)));
    }

    private Map<String, GgufValue> metadataForFile(int index) {
        if (split == null) {
            return metadata;
        }
        LinkedHashMap<String, GgufValue> md = index == 0 ? new LinkedHashMap<>(metadata) : new LinkedHashMap<>();
        md.put(GgufSplitNaming.KEY_SPLIT_NO, GgufValue.ofUInt16(index));
        md.put(GgufSplitNaming.KEY_SPLIT_COUNT, GgufValue.ofUInt16(layout.size()));
        md.put(GgufSplitNaming.KEY_SPLIT_TENSORS_COUNT, GgufValue.ofInt32(declared.size()));
        return md;
    }

    private void writeBytes(MemorySegment src) throws IOException {
        long n = src.byteSize();
        bytesWritten += n;
        if (n <= buffer.remaining()) {
            buffer.put(src.asByteBuffer());
            return;
        }
        flush();
        if (n <= buffer.capacity()) {
            buffer.put(src.asByteBuffer());
            return;
        }
        for (long off = 0; off < n; off += MAX_DIRECT_WRITE) {
            writeFully(src.asSlice(off, Math.min(MAX_DIRECT_WRITE, n - off)).asByteBuffer());
        }
    }

    private void writeZeros(long n) throws IOException {
        while (n > 0) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int k = (int) Math.min(n, buffer.remaining());
            for (int i = 0; i < k; i++) {
                buffer.put((byte) 0);
            }
            n -= k;
            bytesWritten += k;
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /**
     * The size of the single file this writer would produce for {@code metadata} and
     * {@code tensors} (offsets ignored): header with tensor infos and padding, then each tensor's
     * data padded to the alignment ({@code general.alignment}, default 32).
     */
    public static long singleFileSize(Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors) {
        int align = alignmentOf(metadata.get(GgufHeader.KEY_ALIGNMENT));
        long size = GgufHeaderEncoder.encode(metadata, tensors, align).length;
        for (GgufTensorInfo t : tensors) {
            size += pad(t.byteSize(), align);
        }
        return size;
    }

    static long pad(long x, int align) {
        return (x + align - 1) & -(long) align;
    }
}
