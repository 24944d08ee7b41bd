package io.quantarena.core.eval;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a llama-perplexity {@code --kl-divergence-base} file: header, the tokens of all chunks,
 * then one record per scored position in chunk and position order (spec perplexity.md §3).
 */
public final class BaseLogitsWriter implements AutoCloseable {

    public static final byte[] MAGIC = {'_', 'l', 'o', 'g', 'i', 't', 's', '_'};

    private final OutputStream out;
    private final int nVocab;
    private final char[] codes;
    private final ByteBuffer record;

    /**
     * Creates the file and writes the header and the first {@code nChunk·nCtx} tokens (the
     * original tokens, not the BOS substitutions).
     */
    public BaseLogitsWriter(Path file, int nCtx, int nVocab, int nChunk, int[] tokens) throws IOException {
        if ((long) nChunk * nCtx > tokens.length) {
            throw new IllegalArgumentException(nChunk + " chunks of " + nCtx + " tokens need " + (long) nChunk * nCtx
                    + " tokens, the text has " + tokens.length);
        }
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
        this.nVocab = nVocab;
        this.codes = new char[nVocab];
        this.record = ByteBuffer.allocate(2 * BaseLogProbs.recordWords(nVocab)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer header = ByteBuffer.allocate(20 + 4 * nChunk * nCtx).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(nCtx).putInt(nVocab).putInt(nChunk);
        for (int i = 0; i < nChunk * nCtx; i++) {
            header.putInt(tokens[i]);
        }
        out.write(header.array());
    }

    /** Appends one position's record and returns the float nll of {@code tok} under these logits. */
    public float write(float[] logits, int off, int tok) throws IOException {
        float[] r = BaseLogProbs.encode(logits, off, nVocab, tok, codes);
        record.clear();
        record.putFloat(r[0]).putFloat(r[1]);
        for (int i = 0; i < nVocab; i++) {
            record.putChar(codes[i]);
        }
        while (record.position() < record.capacity()) {
            record.putChar((char) 0);
        }
        out.write(record.array());
        return r[2];
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
