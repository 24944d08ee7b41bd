package io.quantarena.core.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The command's wiring and option checking; the measurement itself runs with tiny sizes (no timing asserted). */
class BenchKernelsCommandTest {

    @Test
    void printsCeilingsAndARowPerFormat() {
        MainTest.Result r = MainTest.run("bench-kernels", "--types", "q8_0,iq4_xs", "--threads", "1", "--mv-mib", "1",
                "--mm-rows", "40", "--cols", "256", "--runs", "1", "--fma-iters", "100000");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .containsPattern("ceiling 1 thread\\(s\\): read bandwidth [0-9.]+ GB/s, FP32 FMA peak [0-9.]+ GFLOP/s")
                .contains("wall clock", "per busy second", "mv1T in-cache %bw")
                // type, decode, encode, streamed and in-cache matrix-vector, matrix-matrix
                .containsPattern("(?m)^q8_0 +\\| +[0-9.]+ \\| +[0-9.]+ \\| +[0-9.]+ +[0-9]+% \\| +[0-9.]+ +[0-9]+% \\| +[0-9.]+ +[0-9]+%$")
                .containsPattern("(?m)^iq4_xs +\\| +[0-9.]+ +[0-9]+% \\| +[0-9.]+ +[0-9]+% \\| +[0-9.]+ +[0-9]+%$");
    }

    @Test
    void rejectsUnknownOptionsAndTypesWithoutKernels() {
        MainTest.Result bad = MainTest.run("bench-kernels", "--bogus", "1");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown option '--bogus'").contains("usage: quantarena bench-kernels");
        MainTest.Result noKernel = MainTest.run("bench-kernels", "--types", "iq2_kt");
        assertThat(noKernel.code()).isEqualTo(2);
        assertThat(noKernel.err()).contains("no CPU kernel for iq2_kt");
        MainTest.Result notNumber = MainTest.run("bench-kernels", "--runs", "many");
        assertThat(notNumber.err()).contains("option --runs needs a number, got 'many'");
    }
}
