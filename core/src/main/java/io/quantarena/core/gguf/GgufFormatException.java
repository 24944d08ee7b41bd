package io.quantarena.core.gguf;

import java.io.IOException;

/**
 * A GGUF file that does not follow the format (spec/gguf.md). The message names the file, the
 * field and the offending value, e.g. {@code model.gguf: tensor[3] 'blk.0.attn_q.weight' n_dims:
 * 7 is out of range, expected 1..4}.
 */
public final class GgufFormatException extends IOException {

    private final String file;
    private final String field;

    public GgufFormatException(String file, String field, String problem) {
        super(file + ": " + field + ": " + problem);
        this.file = file;
        this.field = field;
    }

    /** The file (or other source) being read. */
    public String file() {
        return file;
    }

    /** The field that is wrong, e.g. {@code tensor[3] 'blk.0.attn_q.weight' ne[1]}. */
    public String field() {
        return field;
    }
}
