package io.quantarena.core.quant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QuantMathTest {

    @Test
    void nearestIntRoundsTiesToEven() {
        assertThat(QuantMath.nearestInt(2.5f)).isEqualTo(2);
        assertThat(QuantMath.nearestInt(3.5f)).isEqualTo(4);
        assertThat(QuantMath.nearestInt(-2.5f)).isEqualTo(-2);
        assertThat(QuantMath.nearestInt(-3.5f)).isEqualTo(-4);
        assertThat(QuantMath.nearestInt(-0.4999f)).isEqualTo(0);
    }

    @Test
    void nearestIntOfProductRoundsTheExactProduct() {
        // 0.1f·25 is 2.5000000372… exactly but 2.5f once rounded to float
        assertThat(0.1f * 25f).isEqualTo(2.5f);
        assertThat(QuantMath.nearestInt(0.1f * 25f)).isEqualTo(2);
        assertThat(QuantMath.nearestIntOfProduct(0.1f, 25f)).isEqualTo(3);
    }

    @Test
    void roundHalfAwayFromZeroMatchesCRoundf() {
        assertThat(QuantMath.roundHalfAwayFromZero(2.5f)).isEqualTo(3);
        assertThat(QuantMath.roundHalfAwayFromZero(-2.5f)).isEqualTo(-3);
        assertThat(QuantMath.roundHalfAwayFromZero(-0.5f)).isEqualTo(-1);
        assertThat(QuantMath.roundHalfAwayFromZero(0.49999997f)).isEqualTo(0);
        assertThat(QuantMath.roundHalfAwayFromZero(-126.49999f)).isEqualTo(-126);
        assertThat(QuantMath.roundHalfAwayFromZero(127f)).isEqualTo(127);
    }

    @Test
    void bf16RoundsToNearestEven() {
        // halfway cases: keep the even upper half
        assertThat(QuantMath.floatToBf16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        assertThat(QuantMath.floatToBf16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(QuantMath.floatToBf16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(QuantMath.floatToBf16(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(QuantMath.bf16ToFloat((short) 0xBF80)).isEqualTo(-1.0f);
        // a signalling NaN becomes quiet, an Inf stays Inf
        assertThat(QuantMath.floatToBf16(Float.intBitsToFloat(0x7F800001))).isEqualTo((short) 0x7FC0);
        assertThat(QuantMath.floatToBf16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7F80);
    }

    @Test
    void fp16ConversionIsIeeeWithCanonicalNaN() {
        assertThat(QuantMath.floatToFp16(Float.intBitsToFloat(0x7FA00000))).isEqualTo(QuantMath.FP16_NAN);
        assertThat(QuantMath.floatToFp16(1.0f / 3)).isEqualTo((short) 0x3555);
        assertThat(QuantMath.fp16ToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(QuantMath.floatToFp16(-0.0f)).isEqualTo((short) 0x8000);
    }

    @Test
    void signedMaxAbsKeepsSignAndFirstOnTies() {
        float[] x = {0.5f, -2f, 2f, 1f};
        assertThat(QuantMath.signedMaxAbs(x, 0, 4)).isEqualTo(-2f);
        assertThat(QuantMath.signedMaxAbs(x, 2, 2)).isEqualTo(2f);
        assertThat(QuantMath.signedMaxAbs(new float[4], 0, 4)).isEqualTo(0f);
    }

    @Test
    void sigmaWeightsFollowTheSpecFormula() {
        float[] x = {3f, -4f};
        float[] qw = {2f, 0.5f};
        float[] w = new float[2];
        QuantMath.sigmaWeights(x, 0, qw, 0, 16f, false, w, 0, 2);
        assertThat(w).containsExactly(2f * 5f, 0.5f * (float) Math.sqrt(32f));
    }
}
