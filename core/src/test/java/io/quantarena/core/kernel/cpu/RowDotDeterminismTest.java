package io.quantarena.core.kernel.cpu;

import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A row's dot product must not depend on JIT state (decode would otherwise change once the kernels
 * are compiled): the same rows are evaluated in a child JVM that only interprets ({@code -Xint})
 * and here after enough calls for C2, and the bits must agree for every format.
 */
class RowDotDeterminismTest {

    private static final int COLS = 512;

    /** Child entry point: prints the bits of each format's dot, one line per format. */
    public static void main(String[] args) {
        for (String line : dots(1)) {
            System.out.println(line);
        }
    }

    private static List<String> dots(int calls) {
        List<String> out = new ArrayList<>();
        for (GgmlType t : KernelTestData.TYPES) {
            RowKernel k = RowKernels.forType(t);
            MemorySegment row = KernelTestData.randomRows(t, 1, COLS, 11);
            float[] x = KernelTestData.gaussian(COLS, 12);
            PreparedActivation px = k.prepare(x, COLS, new PreparedActivation());
            float r = 0;
            float[] y = new float[4];
            for (int i = 0; i < calls; i++) {
                // both entry points: the single-row dot and matVec's four-row dot
                r = k.dot(row, 0, px);
                k.dot4(row, 0, 0, px, y, 0, 1);
            }
            if (Float.floatToRawIntBits(y[3]) != Float.floatToRawIntBits(r)) {
                throw new AssertionError(t.typeName() + ": four-row dot " + y[3] + " differs from single dot " + r);
            }
            out.add(t.typeName() + " " + Integer.toHexString(Float.floatToRawIntBits(r)));
        }
        return out;
    }

    @Test
    void interpretedAndCompiledDotsAreBitIdentical() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xint", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), RowDotDeterminismTest.class.getName())
                .redirectErrorStream(false).start();
        String child = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        List<String> compiled = dots(200_000);
        assertThat(child.lines().toList()).containsExactlyElementsOf(compiled);
    }
}
