package io.quantarena.core.sampling;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SamplerTest {

    private static final float[] LOGITS = {1f, 5f, 4.9f, -2f, 0f};

    @Test
    void greedyTakesTheArgmax() {
        assertThat(new Sampler(SamplerConfig.greedy()).sample(LOGITS, 0, 5, new int[0], 0)).isEqualTo(1);
    }

    @Test
    void repetitionPenaltyCanChangeTheGreedyChoice() {
        SamplerConfig cfg = new SamplerConfig(0f, 0, 1f, 0f, 1.1f, 64, 0);
        // token 1 seen twice is penalised once: 5/1.1 < 4.9
        assertThat(new Sampler(cfg).sample(LOGITS, 0, 5, new int[]{1, 1}, 2)).isEqualTo(2);
        // outside the window the penalty does not apply
        SamplerConfig narrow = new SamplerConfig(0f, 0, 1f, 0f, 1.1f, 1, 0);
        assertThat(new Sampler(narrow).sample(LOGITS, 0, 5, new int[]{1, 3}, 2)).isEqualTo(1);
    }

    @Test
    void topKOneIsDeterministic() {
        SamplerConfig cfg = new SamplerConfig(1.5f, 1, 1f, 0f, 1f, 64, 42);
        Sampler s = new Sampler(cfg);
        for (int i = 0; i < 20; i++) {
            assertThat(s.sample(LOGITS, 0, 5, new int[0], 0)).isEqualTo(1);
        }
    }

    @Test
    void minPAndTopPRestrictTheCandidates() {
        // min-p 0.5: only tokens within log(0.5) of the max survive → 1 and 2
        Set<Integer> seen = draw(new SamplerConfig(1f, 0, 1f, 0.5f, 1f, 64, 3), 300);
        assertThat(seen).containsExactlyInAnyOrder(1, 2);
        // token 1 alone has p ≈ 0.518: top-p 0.5 keeps only it, top-p 0.6 adds token 2 (cumulative ≈ 0.987)
        assertThat(draw(new SamplerConfig(1f, 0, 0.5f, 0f, 1f, 64, 3), 300)).containsExactly(1);
        assertThat(draw(new SamplerConfig(1f, 0, 0.6f, 0f, 1f, 64, 3), 300)).containsExactlyInAnyOrder(1, 2);
        // no filtering: low-probability tokens appear at a high temperature
        assertThat(draw(new SamplerConfig(5f, 0, 1f, 0f, 1f, 64, 3), 500)).contains(0, 3, 4);
    }

    @Test
    void sameSeedSameSequence() {
        SamplerConfig cfg = new SamplerConfig(2f, 0, 1f, 0f, 1f, 64, 1234);
        Sampler a = new Sampler(cfg);
        Sampler b = new Sampler(cfg);
        for (int i = 0; i < 50; i++) {
            assertThat(a.sample(LOGITS, 0, 5, new int[0], 0)).isEqualTo(b.sample(LOGITS, 0, 5, new int[0], 0));
        }
    }

    private static Set<Integer> draw(SamplerConfig cfg, int n) {
        Sampler s = new Sampler(cfg);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            seen.add(s.sample(LOGITS, 0, 5, new int[0], 0));
        }
        return seen;
    }
}
