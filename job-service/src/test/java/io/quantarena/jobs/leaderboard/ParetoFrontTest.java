package io.quantarena.jobs.leaderboard;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ParetoFrontTest {

    record P(String name, double size, double kld) {
    }

    @Test
    void theFrontHoldsThePointsThatNoSmallerPointBeats() {
        List<P> points = List.of(new P("q8", 8.5, 0.003), new P("q4", 4.8, 0.02), new P("q5-bad", 5.0, 0.05),
                new P("q3", 3.0, 0.2), new P("q2-worse", 3.5, 0.3), new P("bf16", 16, 0.000002));

        assertThat(ParetoFront.of(points, P::size, P::kld)).extracting(P::name).containsExactly("q3", "q4", "q8", "bf16");
    }

    @Test
    void ofTwoEqualSizesOnlyTheLowerDivergenceCountsAndTiesKeepOne() {
        List<P> points = List.of(new P("a", 4, 0.1), new P("b", 4, 0.05), new P("c", 4, 0.05), new P("d", 6, 0.05));

        assertThat(ParetoFront.of(points, P::size, P::kld)).extracting(P::name).containsExactly("b");
        assertThat(ParetoFront.of(List.<P>of(), P::size, P::kld)).isEmpty();
    }
}
