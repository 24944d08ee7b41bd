package io.quantarena.core.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Encodes a GGUF header (magic .. padding before the data section) into a byte array. */
final class GgufHeaderEncoder {

    static final int VERSION = 3;

    private byte[] buf = new byte[1 << 16];
    private int len;

    /** The complete header including the zero padding up to {@code alignment}. */
    static byte[] encode(Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors, int alignment) {
        GgufHeaderEncoder e = new GgufHeaderEncoder();
        e.u32(GgufHeader.MAGIC);
        e.u32(VERSION);
        e.u64(tensors.size());
        e.u64(metadata.size());
        for (Map.Entry<String, GgufValue> kv : metadata.entrySet()) {
            e.string(kv.getKey());
            e.value(kv.getValue());
        }
        for (GgufTensorInfo t : tensors) {
            e.string(t.name());
            e.u32(t.nDims());
            for (int d = 0; d < t.nDims(); d++) {
                e.u64(t.ne(d));
            }
            e.u32(t.type().id());
            e.u64(t.offset());
        }
        int padded = (int) GgufWriter.pad(e.len, alignment);
        e.ensure(padded - e.len);
        e.len = padded; // the buffer is zero-filled beyond len
        return Arrays.copyOf(e.buf, e.len);
    }

    private void value(GgufValue v) {
        u32(v.type().id());
        if (v.isArray()) {
            u32(v.elementType().id());
            u64(v.arrayLength());
            array(v.elementType(), v.value());
        } else {
            scalar(v.type(), v.value());
        }
    }

    private void scalar(GgufValueType t, Object o) {
        switch (t) {
            case UINT8, INT8 -> u8((Byte) o);
            case UINT16, INT16 -> u16((Short) o);
            case UINT32, INT32 -> u32((Integer) o);
            case UINT64, INT64 -> u64((Long) o);
            case FLOAT32 -> u32(Float.floatToRawIntBits((Float) o));
            case FLOAT64 -> u64(Double.doubleToRawLongBits((Double) o));
            case BOOL -> u8((Boolean) o ? 1 : 0);
            case STRING -> string((String) o);
            case ARRAY -> throw new IllegalArgumentException("nested GGUF arrays are not supported");
        }
    }

    private void array(GgufValueType et, Object a) {
        switch (et) {
            case UINT8, INT8 -> {
                byte[] x = (byte[]) a;
                ensure(x.length);
                System.arraycopy(x, 0, buf, len, x.length);
                len += x.length;
            }
            case UINT16, INT16 -> {
                short[] x = (short[]) a;
                ensure(2L * x.length);
                ByteBuffer.wrap(buf, len, 2 * x.length).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(x);
                len += 2 * x.length;
            }
            case UINT32, INT32 -> {
                int[] x = (int[]) a;
                ensure(4L * x.length);
                ByteBuffer.wrap(buf, len, 4 * x.length).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(x);
                len += 4 * x.length;
            }
            case UINT64, INT64 -> {
                long[] x = (long[]) a;
                ensure(8L * x.length);
                ByteBuffer.wrap(buf, len, 8 * x.length).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(x);
                len += 8 * x.length;
            }
            case FLOAT32 -> {
                // raw bits so NaN payloads survive a round trip
                for (float f : (float[]) a) {
                    u32(Float.floatToRawIntBits(f));
                }
            }
            case FLOAT64 -> {
                for (double d : (double[]) a) {
                    u64(Double.doubleToRawLongBits(d));
                }
            }
            case BOOL -> {
                for (boolean b : (boolean[]) a) {
                    u8(b ? 1 : 0);
                }
            }
            case STRING -> {
                for (Object s : (List<?>) a) {
                    string((String) s);
                }
            }
            case ARRAY -> throw new IllegalArgumentException("nested GGUF arrays are not supported");
        }
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
    }

    private void u16(int v) {
        ensure(2);
        buf[len++] = (byte) v;
        buf[len++] = (byte) (v >>> 8);
    }

    private void u32(int v) {
        ensure(4);
        buf[len++] = (byte) v;
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 24);
    }

    private void u64(long v) {
        u32((int) v);
        u32((int) (v >>> 32));
    }

    private void ensure(long extra) {
        long need = len + extra;
        if (need > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("GGUF header larger than 2 GiB is not supported");
        }
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * buf.length)));
        }
    }
}
