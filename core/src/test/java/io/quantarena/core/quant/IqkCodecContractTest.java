package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Row-length checks, multi-block rows and thread safety of the ik codecs. */
class IqkCodecContractTest {

    static Stream<String> types() {
        return Stream.of(IqkReferenceTest.TYPES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void rejectsRowsThatAreNotWholeSuperBlocks(String typeName) {
        QuantCodec codec = QuantCodecs.forType(GgmlType.byName(typeName));
        float[] src = new float[300];
        MemorySegment dst = MemorySegment.ofArray(new byte[4096]);
        assertThatThrownBy(() -> codec.quantize(src, 0, 1, 300, null, dst, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("300").hasMessageContaining("256").hasMessageContaining(codec.type().typeName());
        assertThatThrownBy(() -> codec.dequantizeRow(dst, 0, new float[300], 0, 300))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("300").hasMessageContaining("256");
        assertThatThrownBy(() -> codec.quantize(src, 0, 1, 256, new float[100], dst, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("imatrix").hasMessageContaining("100");
    }

    /**
     * Rows of several super-blocks (the reference data has one per row) give the same bytes as
     * single-block rows where blocks are independent and about the same error otherwise; quantizing row chunks on several threads with shared codec
     * instances gives the same bytes as one thread.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void multiBlockRowsAreConsistentAndThreadSafe(String typeName) throws Exception {
        QuantCodec codec = QuantCodecs.forType(GgmlType.byName(typeName));
        QuantReferenceData data = QuantReferenceData.get();
        int cols = 1024;
        int rows = 6;
        float[] src = new float[rows * cols];
        // rows 0–23 of the reference input are ordinary weights; four of them make one long row
        System.arraycopy(data.src, 0, src, 0, src.length);
        float[] imatrix = new float[cols];
        for (int i = 0; i < cols; i++) {
            imatrix[i] = data.imatrix[i % data.cols];
        }
        int rowBytes = (int) codec.rowSize(cols);
        byte[] sequential = new byte[rows * rowBytes];
        codec.quantize(src, 0, rows, cols, imatrix, MemorySegment.ofArray(sequential), 0);

        byte[] parallel = new byte[rows * rowBytes];
        MemorySegment out = MemorySegment.ofArray(parallel);
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int r = 0; r < rows; r += 2) {
                int first = r;
                jobs.add(pool.submit(() -> codec.quantize(src, first * cols, 2, cols, imatrix, out,
                        (long) first * rowBytes)));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        }
        assertThat(parallel).as("%s chunks quantized on 3 threads", typeName).isEqualTo(sequential);

        // the same values as 256-column rows, as in the reference data
        int shortRowBytes = (int) codec.rowSize(256);
        byte[] shortRows = new byte[rows * cols / 256 * shortRowBytes];
        codec.quantize(src, 0, rows * cols / 256, 256, Arrays.copyOf(imatrix, 256),
                MemorySegment.ofArray(shortRows), 0);
        if (codec.type().rowMetaBytes() == 0) {
            // without a row scale the super-blocks are independent: one long row = four short ones
            assertThat(sequential).as("%s 1024-column rows vs 256-column rows", typeName).isEqualTo(shortRows);
        }
        double rmseLong = QuantReferenceData.rmse(IqkReferenceTest.decodeAll(codec, sequential, rows, cols), src);
        double rmseShort = QuantReferenceData.rmse(
                IqkReferenceTest.decodeAll(codec, shortRows, rows * cols / 256, 256), src);
        // a row scale shared by four super-blocks costs a little precision, not more
        assertThat(rmseLong).as("%s RMSE of 1024-column rows vs 256-column rows", typeName)
                .isBetween(rmseShort * 0.9, rmseShort * 1.1);
    }
}
