package io.quantarena.core.imatrix;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * llama-imatrix's binary {@code .dat} format, the one ik's llama-quantize reads
 * (spec/quantize-tool.md §6.1): int32 entry count; per entry int32 name length, name bytes,
 * int32 ncall, int32 nval, nval float32; then an optional trailer of int32 last_call, int32
 * dataset length and the dataset name. Little-endian.
 */
public final class LegacyImatrixFormat {

    /** Names longer than this are taken as a corrupt file rather than allocated. */
    private static final int MAX_NAME_BYTES = 1 << 16;

    private LegacyImatrixFormat() {
    }

    public static Imatrix read(Path path) throws IOException {
        return read(Files.readAllBytes(path), path.getFileName().toString());
    }

    /**
     * Parses a whole file. Like llama-quantize, any non-finite value is an error.
     *
     * @param source the file name recorded as the imatrix's source
     * @throws IOException naming the entry and offset when the data are malformed
     */
    public static Imatrix read(byte[] data, String source) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        String where = source == null ? "imatrix" : source;
        try {
            int n = b.getInt();
            // each entry needs at least 16 bytes: a sanity bound before allocating anything
            if (n < 0 || (long) n * 16 > b.remaining()) {
                throw new IOException(where + ": entry count " + n + " does not fit in a file of " + data.length + " bytes");
            }
            List<ImatrixEntry> entries = new ArrayList<>(n);
            Set<String> names = new HashSet<>();
            for (int i = 0; i < n; i++) {
                int at = b.position();
                int len = b.getInt();
                if (len <= 0 || len > MAX_NAME_BYTES || len > b.remaining()) {
                    throw new IOException(where + ": entry " + i + " at byte " + at + " has name length " + len);
                }
                byte[] nameBytes = new byte[len];
                b.get(nameBytes);
                String name = new String(nameBytes, StandardCharsets.UTF_8);
                int ncall = b.getInt();
                int nval = b.getInt();
                if (nval < 1 || (long) nval * 4 > b.remaining()) {
                    throw new IOException(where + ": entry '" + name + "' has " + nval + " values, expected 1.." + b.remaining() / 4);
                }
                if (ncall < 0) {
                    throw new IOException(where + ": entry '" + name + "' has ncall " + ncall + ", expected >= 0");
                }
                float[] values = new float[nval];
                b.asFloatBuffer().get(values);
                b.position(b.position() + 4 * nval);
                for (int j = 0; j < nval; j++) {
                    if (!Float.isFinite(values[j])) {
                        throw new IOException(where + ": entry '" + name + "' value " + j + " is " + values[j] + ", expected a finite number");
                    }
                }
                if (!names.add(name)) {
                    throw new IOException(where + ": entry '" + name + "' appears twice");
                }
                entries.add(new ImatrixEntry(name, ncall, values));
            }
            int lastCall = 0;
            String dataset = null;
            if (b.remaining() > 0) {
                lastCall = b.getInt();
                if (b.remaining() > 0) {
                    int len = b.getInt();
                    if (len < 0 || len > b.remaining()) {
                        throw new IOException(where + ": dataset name length " + len + " exceeds the " + b.remaining() + " bytes left");
                    }
                    byte[] ds = new byte[len];
                    b.get(ds);
                    dataset = new String(ds, StandardCharsets.UTF_8);
                }
            }
            if (b.remaining() > 0) {
                throw new IOException(where + ": " + b.remaining() + " unexpected bytes after the trailer");
            }
            return new Imatrix(entries, lastCall, dataset, source);
        } catch (BufferUnderflowException e) {
            throw new IOException(where + ": truncated at byte " + b.position() + " of " + data.length, e);
        }
    }

    /** Writes entries in order, then the trailer (chunk count and dataset name, empty if none). */
    public static void write(Imatrix im, Path path) throws IOException {
        try (OutputStream os = Files.newOutputStream(path)) {
            write(im, os);
        }
    }

    public static void write(Imatrix im, OutputStream os) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
        List<ImatrixEntry> entries = im.entries();
        out.writeInt(Integer.reverseBytes(entries.size()));
        for (ImatrixEntry e : entries) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            out.writeInt(Integer.reverseBytes(name.length));
            out.write(name);
            out.writeInt(Integer.reverseBytes(e.ncall()));
            float[] v = e.values();
            out.writeInt(Integer.reverseBytes(v.length));
            ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            bb.asFloatBuffer().put(v);
            out.write(bb.array());
        }
        out.writeInt(Integer.reverseBytes(im.chunkCount()));
        byte[] ds = im.dataset().orElse("").getBytes(StandardCharsets.UTF_8);
        out.writeInt(Integer.reverseBytes(ds.length));
        out.write(ds);
        out.flush();
    }
}
