package io.quantarena.core.eval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PerplexityAccumulatorTest {

    @Test
    void perplexityAndErrorFromNllSums() {
        PerplexityAccumulator acc = new PerplexityAccumulator();
        acc.add(1.0);
        acc.add(2.0);
        acc.add(3.0);
        assertThat(acc.perplexity()).isCloseTo(Math.exp(2.0), within(1e-12));
        // var = 14/3 − 4 = 2/3; se = sqrt(var/2)
        assertThat(acc.meanNllError()).isCloseTo(Math.sqrt(1.0 / 3), within(1e-12));
        assertThat(acc.perplexityError()).isCloseTo(Math.sqrt(1.0 / 3) * Math.exp(2), within(1e-9));
    }

    @Test
    void logSoftmaxOfUniformLogits() {
        float[] l = {0f, 0f, 0f, 0f, 5f, 5f, 5f, 5f};
        assertThat(LogSoftmax.logProb(l, 4, 4, 1)).isCloseTo(-Math.log(4), within(1e-12));
        assertThat(LogSoftmax.argmax(new float[]{1f, 3f, 3f}, 0, 3)).isEqualTo(1);
    }
}
