package io.quantarena.core.model;

import io.quantarena.core.testsupport.SharedAssets;
import io.quantarena.core.tokenizer.Tokenizer;
import io.quantarena.core.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Batched decoding changes nothing about a sequence: its logits, step by step, are bit-identical to
 * those of a {@link Session} decoding it alone, whichever sequences share its steps and whenever they
 * join or leave.
 */
class BatchDecoderTest {

    private static final String[] PROMPTS = {
            "The history of the city",
            "Call me Ishmael. Some years ago, never mind how long precisely,",
            "In the year",
    };
    private static final int STEPS = 10;
    private static final int UBATCH = 8;

    @Test
    void tinyLlama4MoeBatchedLogitsEqualSingleSequenceLogits() throws Exception {
        checkModel("models/tiny-llama4-bf16.gguf");
    }

    @Test
    void tinyLlamaBatchedLogitsEqualSingleSequenceLogits() throws Exception {
        checkModel("models/tiny-llama-bf16.gguf");
    }

    private static void checkModel(String model) throws Exception {
        try (ModelFile mf = ModelFile.open(SharedAssets.path(model), List.of());
             CpuBackend backend = new CpuBackend(2)) {
            Tokenizer tok = Tokenizers.fromGguf(mf.gguf().metadata());
            int[][] prompts = Arrays.stream(PROMPTS).map(p -> tok.encode(p, true, true)).toArray(int[][]::new);
            int nVocab = mf.hparams().nVocab();

            // batched: sequence i joins at step 2·i (its prompt processed while the others decode)
            // and each decodes STEPS tokens, fed with its own greedy choices
            BatchDecoder decoder = new BatchDecoder(mf.model(), backend, PROMPTS.length, UBATCH);
            List<List<float[]>> batched = new ArrayList<>();
            int[][] fed = new int[PROMPTS.length][STEPS];
            Sequence[] seqs = new Sequence[PROMPTS.length];
            float[][] pending = new float[PROMPTS.length][];
            int[] done = new int[PROMPTS.length];
            for (int i = 0; i < PROMPTS.length; i++) {
                batched.add(new ArrayList<>());
            }
            for (int step = 0; ; step++) {
                for (int i = 0; i < PROMPTS.length; i++) {
                    if (step == 2 * i) {
                        seqs[i] = new Sequence(mf.model(), 128, KvCacheType.F16);
                        pending[i] = decoder.prefill(seqs[i], prompts[i], 0, prompts[i].length);
                        batched.get(i).add(pending[i]);
                    }
                }
                List<Sequence> active = new ArrayList<>();
                List<Integer> who = new ArrayList<>();
                for (int i = 0; i < PROMPTS.length; i++) {
                    if (seqs[i] != null && done[i] < STEPS) {
                        fed[i][done[i]] = argmax(pending[i], 0, nVocab);
                        active.add(seqs[i]);
                        who.add(i);
                    }
                }
                if (active.isEmpty()) {
                    break;
                }
                int[] tokens = new int[active.size()];
                for (int r = 0; r < tokens.length; r++) {
                    int i = who.get(r);
                    tokens[r] = fed[i][done[i]];
                }
                float[] logits = decoder.step(active, tokens);
                for (int r = 0; r < tokens.length; r++) {
                    int i = who.get(r);
                    pending[i] = Arrays.copyOfRange(logits, r * nVocab, (r + 1) * nVocab);
                    batched.get(i).add(pending[i]);
                    done[i]++;
                }
            }

            // alone: a Session per sequence fed the same tokens
            for (int i = 0; i < PROMPTS.length; i++) {
                Session s = new Session(mf.model(), backend, 128, UBATCH, KvCacheType.F16);
                List<float[]> alone = new ArrayList<>();
                alone.add(s.evaluate(prompts[i], 0, prompts[i].length, prompts[i].length - 1));
                for (int t = 0; t < STEPS; t++) {
                    alone.add(s.evaluate(new int[]{fed[i][t]}, 0, 1, 0));
                }
                assertThat(batched.get(i)).hasSize(STEPS + 1);
                for (int t = 0; t <= STEPS; t++) {
                    assertThat(batched.get(i).get(t)).as("%s sequence %d, logits after %d decode steps", model, i, t)
                            .containsExactly(alone.get(t));
                }
                assertThat(seqs[i].position()).isEqualTo(s.position());
            }
        }
    }

    @Test
    void aStepRefusesTooManySequencesAndSharedCaches() throws Exception {
        try (ModelFile mf = ModelFile.open(SharedAssets.path("models/tiny-llama-bf16.gguf"), List.of());
             CpuBackend backend = new CpuBackend(1)) {
            BatchDecoder decoder = new BatchDecoder(mf.model(), backend, 2, 4);
            Sequence a = new Sequence(mf.model(), 16, KvCacheType.F16);
            Sequence b = new Sequence(mf.model(), 16, KvCacheType.F16);
            Sequence c = new Sequence(mf.model(), 16, KvCacheType.F16);
            assertThatThrownBy(() -> decoder.step(List.of(a, b, c), new int[]{1, 1, 1}))
                    .hasMessageContaining("3 sequences, expected 1..2");
            assertThatThrownBy(() -> decoder.step(List.of(a, a), new int[]{1, 1}))
                    .hasMessageContaining("share a KV cache");
            assertThatThrownBy(() -> decoder.prefill(a, new int[20], 0, 20))
                    .hasMessageContaining("does not fit the context of 16");
        }
    }

    private static int argmax(float[] l, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (l[off + i] > l[off + best]) {
                best = i;
            }
        }
        return best;
    }
}
