package io.quantarena.benchmarks;

import io.quantarena.core.kernel.WeightMatrix;
import io.quantarena.core.kernel.bench.BenchWeights;
import io.quantarena.core.kernel.cpu.CpuMatrixKernels;
import io.quantarena.core.kernel.cpu.RowKernel;
import io.quantarena.core.kernel.cpu.RowKernels;
import io.quantarena.core.quant.QuantCodec;
import io.quantarena.core.quant.QuantCodecs;
import io.quantarena.core.tensor.GgmlType;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * JMH benchmarks of the CPU kernels, per weight format. Each reports, besides ops/s, an auxiliary
 * rate counter in the unit the brief asks for: {@code weightBytes} (decode and matrix-vector: bytes
 * of quantized weights per second), {@code inputBytes} (encode: bytes of F32 input per second) and
 * {@code flops} (matrix-matrix with 512 activation columns). Run e.g.
 * {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar MatVec -p type=q4_K}.
 */
@BenchmarkMode(Mode.Throughput)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class KernelBenchmarks {

    static final int COLS = 4096;

    @State(Scope.Benchmark)
    public static class Format {
        @Param({"f32", "f16", "bf16", "q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q6_0", "q2_K", "q3_K", "q4_K",
                "q5_K", "q6_K", "iq4_nl", "iq4_xs", "iq2_xxs", "iq2_xs", "iq2_s", "iq3_xxs", "iq3_s", "iq1_s", "iq1_m",
                "iq2_k", "iq2_ks", "iq3_k", "iq3_ks", "iq4_k", "iq4_ks", "iq4_kss", "iq5_k", "iq5_ks", "iq6_k"})
        public String type;

        GgmlType ggmlType() {
            return GgmlType.byName(type);
        }
    }

    @State(Scope.Benchmark)
    public static class Threads {
        @Param({"1", "2"})
        public int threads;
    }

    /** Rate counters, reset every iteration and reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public long weightBytes;
        public long inputBytes;
        public long flops;

        @Setup(Level.Iteration)
        public void reset() {
            weightBytes = 0;
            inputBytes = 0;
            flops = 0;
        }
    }

    /** Cache-resident rows decoded to float by one thread. */
    @State(Scope.Benchmark)
    public static class DecodeState {
        static final int ROWS = 64;
        Arena arena;
        MemorySegment w;
        RowKernel kernel;
        long rowBytes;
        float[] dst = new float[COLS];

        @Setup
        public void setup(Format f) {
            arena = Arena.ofShared();
            kernel = RowKernels.forType(f.ggmlType());
            w = BenchWeights.random(f.ggmlType(), ROWS, COLS, arena, 1);
            rowBytes = f.ggmlType().rowSize(COLS);
        }

        @TearDown
        public void close() {
            arena.close();
        }
    }

    @Benchmark
    public float decode(DecodeState s, Rates r) {
        for (int i = 0; i < DecodeState.ROWS; i++) {
            s.kernel.dequantize(s.w, i * s.rowBytes, 0, s.dst, 0, COLS);
        }
        r.weightBytes += DecodeState.ROWS * s.rowBytes;
        return s.dst[7];
    }

    /** The format's codec quantizing 16 rows of Gaussian floats (the reference quantizers). */
    @State(Scope.Benchmark)
    public static class EncodeState {
        static final int ROWS = 16;
        Arena arena;
        QuantCodec codec;
        float[] src;
        float[] imatrix;
        MemorySegment dst;

        @Setup
        public void setup(Format f) {
            arena = Arena.ofShared();
            codec = QuantCodecs.forType(f.ggmlType());
            src = BenchWeights.gaussian(ROWS * COLS, 2);
            imatrix = codec.requiresImatrix() ? BenchWeights.uniformImatrix(COLS) : null;
            dst = arena.allocate(ROWS * f.ggmlType().rowSize(COLS));
        }

        @TearDown
        public void close() {
            arena.close();
        }
    }

    @Benchmark
    public MemorySegment encode(EncodeState s, Rates r) {
        s.codec.quantize(s.src, 0, EncodeState.ROWS, COLS, s.imatrix, s.dst, 0);
        r.inputBytes += 4L * EncodeState.ROWS * COLS;
        return s.dst;
    }

    /** A matrix of {@code mib} MiB (default far beyond the last-level cache) times one vector. */
    @State(Scope.Benchmark)
    public static class MatVecState {
        @Param({"1024"})
        public int mib;
        Arena arena;
        CpuMatrixKernels kernels;
        WeightMatrix w;
        float[] x;
        float[] y;

        @Setup
        public void setup(Format f, Threads t) {
            arena = Arena.ofShared();
            GgmlType type = f.ggmlType();
            long rows = ((long) mib << 20) / type.rowSize(COLS);
            w = new WeightMatrix(type, BenchWeights.random(type, rows, COLS, arena, 3), rows, COLS);
            x = BenchWeights.gaussian(COLS, 4);
            y = new float[(int) rows];
            kernels = new CpuMatrixKernels(t.threads);
        }

        @TearDown
        public void close() {
            kernels.close();
            arena.close();
        }
    }

    @Benchmark
    public float matVec(MatVecState s, Rates r) {
        s.kernels.matVec(s.w, s.x, s.y);
        r.weightBytes += s.w.rows() * s.w.rowBytes();
        return s.y[0];
    }

    /** 2048 × 4096 weights times 512 activation columns. */
    @State(Scope.Benchmark)
    public static class MatMulState {
        static final int ROWS = 2048;
        static final int N = 512;
        Arena arena;
        CpuMatrixKernels kernels;
        WeightMatrix w;
        float[] x;
        float[] y;

        @Setup
        public void setup(Format f, Threads t) {
            arena = Arena.ofShared();
            w = new WeightMatrix(f.ggmlType(), BenchWeights.random(f.ggmlType(), ROWS, COLS, arena, 5), ROWS, COLS);
            x = BenchWeights.gaussian(N * COLS, 6);
            y = new float[N * ROWS];
            kernels = new CpuMatrixKernels(t.threads);
        }

        @TearDown
        public void close() {
            kernels.close();
            arena.close();
        }
    }

    @Benchmark
    public float matMul(MatMulState s, Rates r) {
        s.kernels.matMul(s.w, s.x, MatMulState.N, s.y);
        r.flops += 2L * MatMulState.ROWS * COLS * MatMulState.N;
        return s.y[0];
    }
}
