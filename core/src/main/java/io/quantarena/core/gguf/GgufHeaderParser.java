package io.quantarena.core.gguf;

import io.quantarena.core.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * Reads a GGUF header from a memory segment (spec/gguf.md §2-§5). Every count and length is
 * checked against the bytes that remain before anything is allocated for it, so hostile
 * headers fail with {@link GgufFormatException} instead of exhausting memory.
 */
final class GgufHeaderParser {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Smallest possible encodings, used to bound counts before allocating. */
    private static final int MIN_KV_BYTES = 8 + 4 + 1;
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
    /** Keys and tensor names are short identifiers; longer ones are corrupt, not data. */
    private static final int MAX_NAME_BYTES = 65536;
    /** Java arrays are int-indexed. */
    private static final long MAX_ARRAY_ELEMENTS = Integer.MAX_VALUE - 16;

    private final MemorySegment seg;
    private final long size;
    private final String source;
    private final int fileIndex;
    private long pos;

    GgufHeaderParser(MemorySegment seg, String source, int fileIndex) {
        this.seg = seg;
        this.size = seg.byteSize();
        this.source = source;
        this.fileIndex = fileIndex;
    }

    GgufHeader parse() throws GgufFormatException {
        need(4, "header magic");
        int magic = seg.get(U32, 0);
        if (magic != GgufHeader.MAGIC) {
            throw error("header magic", String.format("0x%08x is not GGUF (expected bytes 'GGUF' = 0x%08x)", magic, GgufHeader.MAGIC));
        }
        pos = 4;
        long version = u32("header version");
        if (version == 1) {
            throw error("header version", "1: GGUFv1 is no longer supported, expected 2 or 3");
        }
        if (version != 2 && version != 3) {
            throw error("header version", version + " is not supported, expected 2 or 3");
        }
        long nTensors = u64("header n_tensors");
        long nKv = u64("header n_kv");
        checkCount(nTensors, MIN_TENSOR_INFO_BYTES, "header n_tensors");
        checkCount(nKv, MIN_KV_BYTES, "header n_kv");

        // sizes are capped: counts are only plausible, not proven, until the records are read
        LinkedHashMap<String, GgufValue> kv = LinkedHashMap.newLinkedHashMap((int) Math.min(nKv, 1024));
        for (int i = 0; i < nKv; i++) {
            String field = "kv[" + i + "]";
            String key = name(field + " key");
            field = field + " '" + key + "'";
            long typeId = u32(field + " value_type");
            GgufValueType type = GgufValueType.byIdOrNull(typeId);
            if (type == null) {
                throw error(field + " value_type", typeId + " is not a GGUF value type, expected 0..12");
            }
            GgufValue value = type == GgufValueType.ARRAY ? array(field) : new GgufValue(type, scalar(type, field + " value"), null);
            if (kv.putIfAbsent(key, value) != null) {
                throw error(field, "duplicate key '" + key + "'");
            }
        }
        GgufMetadata metadata = GgufMetadata.wrap(kv, source);
        int alignment = alignment(kv.get(GgufHeader.KEY_ALIGNMENT));

        List<RawTensorInfo> raw = new ArrayList<>((int) Math.min(nTensors, 1024));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < nTensors; i++) {
            String field = "tensor[" + i + "]";
            String name = name(field + " name");
            field = field + " '" + name + "'";
            if (!names.add(name)) {
                throw error(field + " name", "duplicate tensor name '" + name + "'");
            }
            long nDims = u32(field + " n_dims");
            if (nDims < 1 || nDims > 4) {
                throw error(field + " n_dims", nDims + " is out of range, expected 1..4");
            }
            long[] ne = new long[(int) nDims];
            for (int d = 0; d < nDims; d++) {
                ne[d] = u64(field + " ne[" + d + "]");
                if (ne[d] <= 0) {
                    throw error(field + " ne[" + d + "]", Long.toUnsignedString(ne[d]) + " is not a positive dimension (as int64)");
                }
            }
            long typeId = u32(field + " type");
            GgmlType type = typeId <= Integer.MAX_VALUE ? GgmlType.byIdOrNull((int) typeId) : null;
            if (type == null) {
                throw error(field + " type", typeId + " is not a known ggml type id");
            }
            long offset = u64(field + " offset");
            raw.add(new RawTensorInfo(name, ne, type, offset));
        }
        long infoEnd = pos;
        long dataOffset = pad(infoEnd, alignment);

        List<GgufTensorInfo> tensors = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            RawTensorInfo r = raw.get(i);
            String name = r.name();
            long[] ne = r.ne();
            GgmlType type = r.type();
            long offset = r.offset();
            String field = "tensor[" + i + "] '" + name + "'";
            long byteSize = byteSize(field, type, ne);
            if (offset % alignment != 0) {
                throw error(field + " offset", Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment);
            }
            // offset is unsigned on disk; also guard the sum against overflow
            if (offset < 0 || dataOffset > size || offset > size - dataOffset || byteSize > size - dataOffset - offset) {
                throw error(field + " offset", Long.toUnsignedString(offset) + " + " + byteSize + " data bytes reach past the end of the file (data section starts at "
                        + dataOffset + ", file size " + size + ")");
            }
            tensors.add(new GgufTensorInfo(name, ne, type, offset, byteSize, fileIndex));
        }
        return new GgufHeader(source, (int) version, alignment, metadata, Collections.unmodifiableList(tensors), dataOffset, size);
    }

    private record RawTensorInfo(String name, long[] ne, GgmlType type, long offset) {
    }

    private long byteSize(String field, GgmlType type, long[] ne) throws GgufFormatException {
        if (type != GgmlType.I2_S && ne[0] % type.blockSize() != 0) {
            long elements = 1;
            boolean overflow = false;
            for (long d : ne) {
                if (d != 0 && elements > Long.MAX_VALUE / d) {
                    overflow = true;
                    break;
                }
                elements *= d;
            }
            throw error(field + " ne[0]", ne[0] + " (" + (overflow ? "overflowing" : Long.toString(elements))
                    + " elements) is not a multiple of the block size " + type.blockSize() + " of type " + type.typeName());
        }
        try {
            return GgufTensorInfo.byteSize(type, ne);
        } catch (ArithmeticException e) {
            throw error(field + " ne", Arrays.toString(ne) + " overflows the element or byte count");
        }
    }

    private int alignment(GgufValue v) throws GgufFormatException {
        if (v == null) {
            return GgufHeader.DEFAULT_ALIGNMENT;
        }
        String field = "kv '" + GgufHeader.KEY_ALIGNMENT + "'";
        if (v.type() != GgufValueType.UINT32) {
            throw error(field, "has type " + (v.isArray() ? "ARRAY" : v.type()) + ", expected UINT32");
        }
        long a = v.asLong();
        if (a == 0 || (a & (a - 1)) != 0 || a > (1 << 30)) {
            throw error(field, a + " is not a power of two (up to 2^30)");
        }
        return (int) a;
    }

    private GgufValue array(String field) throws GgufFormatException {
        long elemId = u32(field + " array element type");
        GgufValueType et = GgufValueType.byIdOrNull(elemId);
        if (et == null) {
            throw error(field + " array element type", elemId + " is not a GGUF value type, expected 0..12");
        }
        if (et == GgufValueType.ARRAY) {
            throw error(field + " array element type", "9 (ARRAY): nested arrays are not supported");
        }
        long n = u64(field + " array count");
        checkCount(n, et == GgufValueType.STRING ? 8 : et.fixedSize(), field + " array count");
        if (n > MAX_ARRAY_ELEMENTS) {
            throw error(field + " array count", Long.toUnsignedString(n) + " elements exceed the supported maximum " + MAX_ARRAY_ELEMENTS);
        }
        int count = (int) n;
        Object values = switch (et) {
            case UINT8, INT8 -> bulk(count, 1, field, (o, c) -> {
                byte[] a = new byte[c];
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, o, a, 0, c);
                return a;
            });
            case UINT16, INT16 -> bulk(count, 2, field, (o, c) -> {
                short[] a = new short[c];
                MemorySegment.copy(seg, U16, o, a, 0, c);
                return a;
            });
            case UINT32, INT32 -> bulk(count, 4, field, (o, c) -> {
                int[] a = new int[c];
                MemorySegment.copy(seg, U32, o, a, 0, c);
                return a;
            });
            case UINT64, INT64 -> bulk(count, 8, field, (o, c) -> {
                long[] a = new long[c];
                MemorySegment.copy(seg, U64, o, a, 0, c);
                return a;
            });
            case FLOAT32 -> bulk(count, 4, field, (o, c) -> {
                float[] a = new float[c];
                MemorySegment.copy(seg, F32, o, a, 0, c);
                return a;
            });
            case FLOAT64 -> bulk(count, 8, field, (o, c) -> {
                double[] a = new double[c];
                MemorySegment.copy(seg, F64, o, a, 0, c);
                return a;
            });
            case BOOL -> bools(count, field);
            case STRING -> strings(count, field);
            case ARRAY -> throw new AssertionError("rejected above");
        };
        return new GgufValue(GgufValueType.ARRAY, values, et);
    }

    private interface BulkCopy {
        Object copy(long offset, int count);
    }

    private Object bulk(int count, int width, String field, BulkCopy copy) throws GgufFormatException {
        long bytes = (long) count * width;
        need(bytes, field + " array data");
        Object a = copy.copy(pos, count);
        pos += bytes;
        return a;
    }

    private boolean[] bools(int count, String field) throws GgufFormatException {
        need(count, field + " array data");
        boolean[] a = new boolean[count];
        for (int i = 0; i < count; i++) {
            byte b = seg.get(ValueLayout.JAVA_BYTE, pos + i);
            if (b != 0 && b != 1) {
                pos += i;
                bool(field + "[" + i + "]"); // throws with the element's name
            }
            a[i] = b == 1;
        }
        pos += count;
        return a;
    }

    /** Two passes: validate all lengths first, then decode from one bulk copy of the bytes. */
    private List<String> strings(int count, String field) throws GgufFormatException {
        long start = pos;
        for (int i = 0; i < count; i++) {
            // no per-element field strings on this hot path (vocabularies have 100k+ entries)
            if (size - pos < 8) {
                need(8, field + "[" + i + "] length");
            }
            long len = seg.get(U64, pos);
            pos += 8;
            if (len < 0 || len > size - pos) {
                need(len, field + "[" + i + "] bytes");
            }
            pos += len;
        }
        long end = pos;
        String[] out = new String[count];
        if (end - start <= Integer.MAX_VALUE - 16) {
            byte[] buf = new byte[(int) (end - start)];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, start, buf, 0, buf.length);
            int p = 0;
            for (int i = 0; i < count; i++) {
                int len = (int) (buf[p] & 0xffL | (buf[p + 1] & 0xffL) << 8 | (buf[p + 2] & 0xffL) << 16 | (buf[p + 3] & 0xffL) << 24);
                p += 8; // lengths were validated above, the high half is zero
                out[i] = new String(buf, p, len, StandardCharsets.UTF_8);
                p += len;
            }
        } else {
            pos = start;
            for (int i = 0; i < count; i++) {
                out[i] = string(field + "[" + i + "]", Long.MAX_VALUE);
            }
        }
        pos = end;
        return Collections.unmodifiableList(Arrays.asList(out));
    }

    private Object scalar(GgufValueType type, String field) throws GgufFormatException {
        return switch (type) {
            case UINT8, INT8 -> {
                need(1, field);
                yield seg.get(ValueLayout.JAVA_BYTE, pos++);
            }
            case UINT16, INT16 -> {
                need(2, field);
                short v = seg.get(U16, pos);
                pos += 2;
                yield v;
            }
            case UINT32, INT32 -> (int) u32(field);
            case UINT64, INT64 -> u64(field);
            case FLOAT32 -> Float.intBitsToFloat((int) u32(field));
            case FLOAT64 -> Double.longBitsToDouble(u64(field));
            case BOOL -> bool(field);
            case STRING -> string(field, Long.MAX_VALUE);
            case ARRAY -> throw new AssertionError("arrays are parsed by array()");
        };
    }

    private boolean bool(String field) throws GgufFormatException {
        need(1, field);
        byte b = seg.get(ValueLayout.JAVA_BYTE, pos);
        if (b != 0 && b != 1) {
            throw error(field, (b & 0xff) + " is not a BOOL, expected 0 or 1");
        }
        pos++;
        return b == 1;
    }

    private String name(String field) throws GgufFormatException {
        return string(field, MAX_NAME_BYTES);
    }

    private String string(String field, long maxLen) throws GgufFormatException {
        long len = u64(field + " length");
        if (len < 0 || len > maxLen) {
            throw error(field + " length", Long.toUnsignedString(len) + " bytes is too long (at most " + maxLen + ")");
        }
        need(len, field + " bytes");
        if (len > Integer.MAX_VALUE - 16) {
            throw error(field + " length", len + " bytes is too long for a string");
        }
        byte[] b = new byte[(int) len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, b.length);
        pos += len;
        return new String(b, StandardCharsets.UTF_8);
    }

    private long u32(String field) throws GgufFormatException {
        need(4, field);
        long v = Integer.toUnsignedLong(seg.get(U32, pos));
        pos += 4;
        return v;
    }

    private long u64(String field) throws GgufFormatException {
        need(8, field);
        long v = seg.get(U64, pos);
        pos += 8;
        return v;
    }

    /** Fails unless {@code n} (unsigned) bytes remain after the cursor. */
    private void need(long n, String field) throws GgufFormatException {
        if (n < 0 || n > size - pos) {
            throw error(field, "needs " + Long.toUnsignedString(n) + " bytes at offset " + pos + " but the file ends at " + size
                    + " (truncated or corrupt)");
        }
    }

    /** Fails unless {@code count} records of at least {@code minBytes} each can fit in the rest of the file. */
    private void checkCount(long count, int minBytes, String field) throws GgufFormatException {
        if (count < 0 || count > (size - pos) / minBytes) {
            throw error(field, Long.toUnsignedString(count) + " is impossible: only " + (size - pos)
                    + " bytes remain and each element takes at least " + minBytes + " (truncated or corrupt)");
        }
    }

    private static long pad(long x, int align) {
        return (x + align - 1) & -(long) align;
    }

    private GgufFormatException error(String field, String problem) {
        return new GgufFormatException(source, field, problem);
    }
}
