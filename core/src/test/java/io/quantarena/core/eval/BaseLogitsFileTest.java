package io.quantarena.core.eval;

import io.quantarena.core.testsupport.SharedAssets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BaseLogitsFileTest {

    @Test
    void readsTheSharedReferenceFile() throws Exception {
        try (BaseLogitsFile f = BaseLogitsFile.open(SharedAssets.path("reference/tiny-llama4.base2.kld"))) {
            assertThat(f.nCtx()).isEqualTo(512);
            assertThat(f.nVocab()).isEqualTo(4096);
            assertThat(f.nChunk()).isEqualTo(2);
            assertThat(f.scoredPerChunk()).isEqualTo(255);
            // the text starts like expected.json's wiki_test_first_64_ids
            assertThat(f.tokens()).startsWith(1, 4017, 13, 13, 4017, 64, 3300, 4019, 359, 2415);
            float[] lp = new float[4096];
            for (int c = 0; c < 2; c++) {
                for (int j : new int[]{0, 100, 254}) {
                    BaseLogitsFile.Record r = f.record(c, j);
                    r.logProbs(lp);
                    double total = 0;
                    int maxCode = 0;
                    for (int i = 0; i < 4096; i++) {
                        total += Math.exp(lp[i]);
                        maxCode = Math.max(maxCode, r.code(i));
                    }
                    // decoded probabilities sum to ~1 and the most likely token has the top code
                    assertThat(total).isCloseTo(1.0, within(0.01));
                    assertThat(maxCode).isEqualTo(65535);
                }
            }
        }
    }

    @Test
    void writerProducesTheDocumentedLayout(@TempDir Path dir) throws Exception {
        int nCtx = 8, nVocab = 5, nChunk = 2;
        int[] tokens = new int[20];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % nVocab;
        }
        Path file = dir.resolve("t.kld");
        float[] logits = {0.5f, -1f, 3f, 2f, -30f};
        try (BaseLogitsWriter w = new BaseLogitsWriter(file, nCtx, nVocab, nChunk, tokens)) {
            for (int i = 0; i < nChunk * (nCtx - 1 - nCtx / 2); i++) {
                float nll = w.write(logits, 0, 2);
                assertThat((double) nll).isCloseTo(-LogSoftmax.logProb(logits, 0, nVocab, 2), within(1e-5));
            }
        }
        // header 20 + 16 tokens·4 + 6 records · (6 + 4) words · 2
        assertThat(file.toFile().length()).isEqualTo(20 + 64 + 6 * 20);
        try (BaseLogitsFile f = BaseLogitsFile.open(file)) {
            assertThat(f.tokens()).containsExactly(0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0);
            BaseLogitsFile.Record r = f.record(1, 2);
            // the minimum is clamped to max − 24, the top logit gets code 65535, clamped entries code 0
            assertThat(r.code(2)).isEqualTo(65535);
            assertThat(r.code(4)).isEqualTo(0);
            assertThat(r.scale()).isEqualTo(24f / 65535f);
            assertThat((double) r.logProb(2)).isCloseTo(LogSoftmax.logProb(logits, 0, nVocab, 2), within(1e-5));
            assertThat((double) r.logProb(0)).isCloseTo(LogSoftmax.logProb(logits, 0, nVocab, 0), within(2e-4));
        }
    }
}
