package io.quantarena.core.eval;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** A memory-mapped llama-perplexity {@code --kl-divergence-base} file (spec perplexity.md §3). */
public final class BaseLogitsFile implements AutoCloseable {

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfChar U16 = ValueLayout.JAVA_CHAR_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final MemorySegment data;
    private final int nCtx;
    private final int nVocab;
    private final int nChunk;
    private final int[] tokens;
    private final long recordsOffset;
    private final long recordBytes;

    /** One decoded record view. */
    public record Record(float scale, float minLogProb, MemorySegment segment, long codesOffset, int nVocab) {

        public int code(int i) {
            return segment.get(U16, codesOffset + 2L * i);
        }

        /** log p_i ≈ scale·code_i + min_log_prob (float). */
        public float logProb(int i) {
            return scale * code(i) + minLogProb;
        }

        /** All decoded log-probabilities into {@code dst}. */
        public void logProbs(float[] dst) {
            for (int i = 0; i < nVocab; i++) {
                dst[i] = scale * segment.get(U16, codesOffset + 2L * i) + minLogProb;
            }
        }
    }

    private BaseLogitsFile(Arena arena, MemorySegment data, Path path) {
        this.arena = arena;
        this.data = data;
        if (data.byteSize() < 20 || !Arrays.equals(data.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE), BaseLogitsWriter.MAGIC)) {
            throw new IllegalArgumentException(path + " is not a llama-perplexity base log-probability file (magic '_logits_' missing)");
        }
        nCtx = data.get(I32, 8);
        nVocab = data.get(I32, 12);
        nChunk = data.get(I32, 16);
        if (nCtx <= 1 || nVocab <= 0 || nChunk <= 0) {
            throw new IllegalArgumentException(path + ": invalid header n_ctx=" + nCtx + " n_vocab=" + nVocab
                    + " n_chunk=" + nChunk);
        }
        long nTok = (long) nCtx * nChunk;
        recordsOffset = 20 + 4 * nTok;
        recordBytes = 2L * BaseLogProbs.recordWords(nVocab);
        long expected = recordsOffset + recordBytes * nChunk * scoredPerChunk();
        if (data.byteSize() < expected) {
            throw new IllegalArgumentException(path + " holds " + data.byteSize() + " bytes, expected " + expected
                    + " for " + nChunk + " chunks of n_ctx " + nCtx + " with n_vocab " + nVocab);
        }
        tokens = new int[Math.toIntExact(nTok)];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = data.get(I32, 20 + 4L * i);
        }
    }

    public static BaseLogitsFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new BaseLogitsFile(arena, seg, path);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public int nCtx() {
        return nCtx;
    }

    public int nVocab() {
        return nVocab;
    }

    public int nChunk() {
        return nChunk;
    }

    /** Tokens of all chunks (chunk-first tokens as in the text, not BOS). */
    public int[] tokens() {
        return tokens.clone();
    }

    /** Scored positions per chunk: n_ctx − 1 − n_ctx/2. */
    public int scoredPerChunk() {
        return nCtx - 1 - nCtx / 2;
    }

    /** Record of scored position {@code j} (0-based, position first + j) of chunk {@code chunk}. */
    public Record record(int chunk, int j) {
        if (chunk < 0 || chunk >= nChunk || j < 0 || j >= scoredPerChunk()) {
            throw new IndexOutOfBoundsException("record " + j + " of chunk " + chunk + " (file has " + nChunk
                    + " chunks of " + scoredPerChunk() + " records)");
        }
        long off = recordsOffset + recordBytes * ((long) chunk * scoredPerChunk() + j);
        return new Record(data.get(F32, off), data.get(F32, off + 4), data, off + 8, nVocab);
    }

    @Override
    public void close() {
        arena.close();
    }
}
