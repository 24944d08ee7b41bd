package io.quantarena.core.gguf;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The parsed header of one GGUF file: everything before the tensor data.
 *
 * @param source     file name used in messages
 * @param version    format version (2 or 3)
 * @param alignment  data alignment ({@code general.alignment} or 32)
 * @param metadata   key/value pairs in file order
 * @param tensors    tensor infos in file order (fileIndex as given to {@link #parse})
 * @param dataOffset absolute file offset of the data section
 * @param fileSize   size of the whole file
 */
public record GgufHeader(String source, int version, int alignment, GgufMetadata metadata,
                         List<GgufTensorInfo> tensors, long dataOffset, long fileSize) {

    public static final int MAGIC = 0x46554747; // "GGUF" read as little-endian uint32
    public static final int DEFAULT_ALIGNMENT = 32;
    public static final String KEY_ALIGNMENT = "general.alignment";

    public GgufHeader {
        tensors = List.copyOf(tensors);
    }

    /**
     * Parses and validates the header of a whole GGUF file held in {@code file} (all bytes of the
     * file: tensor bounds are checked against its size).
     *
     * @throws GgufFormatException naming the source, field and value on any violation
     */
    public static GgufHeader parse(MemorySegment file, String source, int fileIndex) throws GgufFormatException {
        return new GgufHeaderParser(file, source, fileIndex).parse();
    }

    /** Absolute file offset of a tensor's data. */
    public long absoluteOffset(GgufTensorInfo t) {
        return dataOffset + t.offset();
    }
}
