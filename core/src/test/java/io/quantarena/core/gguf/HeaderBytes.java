package io.quantarena.core.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-assembles (possibly invalid) GGUF bytes for tests. */
final class HeaderBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static HeaderBytes gguf(long version, long nTensors, long nKv) {
        return new HeaderBytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version).u64(nTensors).u64(nKv);
    }

    HeaderBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    HeaderBytes u8(int v) {
        out.write(v);
        return this;
    }

    HeaderBytes u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    HeaderBytes u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    HeaderBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u64(b.length).raw(b);
    }

    /** A key with a UINT32 value. */
    HeaderBytes kvU32(String key, long v) {
        return str(key).u32(GgufValueType.UINT32.id()).u32(v);
    }

    /** A tensor info record. */
    HeaderBytes tensor(String name, long[] ne, int type, long offset) {
        str(name).u32(ne.length);
        for (long d : ne) {
            u64(d);
        }
        return u32(type).u64(offset);
    }

    /** Pads to 32 and appends {@code dataBytes} zero bytes. */
    HeaderBytes data(int dataBytes) {
        while (out.size() % 32 != 0) {
            out.write(0);
        }
        out.writeBytes(new byte[dataBytes]);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
