package io.quantarena.core.kernel.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static io.quantarena.core.kernel.cpu.VectorSupport.F;
import static io.quantarena.core.kernel.cpu.VectorSupport.FL;

/**
 * Register-blocked FMA microkernel for matrix-matrix products. A tile of {@link #ROWS} weight rows
 * is stored transposed ({@code wt[k*ROWS + i]}, decoded from any format) so that output rows are
 * vector lanes: for each k, {@code 3} weight vectors are multiplied by {@code 8} broadcast
 * activation values into 24 accumulators (fits the 32 AVX-512 registers), and results land in
 * {@code y} rows without horizontal reductions.
 */
final class GemmTile {

    /** Weight rows per tile (three float vectors). */
    static final int ROWS = 3 * FL;
    /** Activation columns per register block. */
    static final int COLS = 8;

    private GemmTile() {
    }

    /**
     * {@code y[yOff + c*ldy + i] (+)= Σ_k wt[k*ROWS + i] · x[xOff + c*ldx + k]} for the first
     * {@code validRows} lanes i and {@code cols} columns c, over k in {@code [0, kLen)}.
     */
    static void multiply(float[] wt, int kLen, float[] x, int xOff, int ldx, int cols, float[] y, int yOff,
                         int ldy, int validRows, boolean accumulate) {
        int c = 0;
        if (validRows == ROWS) {
            for (; c + COLS <= cols; c += COLS) {
                block8(wt, kLen, x, xOff + c * ldx, ldx, y, yOff + c * ldy, ldy, accumulate);
            }
        }
        for (; c < cols; c++) {
            column(wt, kLen, x, xOff + c * ldx, y, yOff + c * ldy, validRows, accumulate);
        }
    }

    private static void block8(float[] wt, int kLen, float[] x, int xo, int ldx, float[] y, int yo, int ldy,
                               boolean acc) {
        int y0 = yo, y1 = yo + ldy, y2 = yo + 2 * ldy, y3 = yo + 3 * ldy;
        int y4 = yo + 4 * ldy, y5 = yo + 5 * ldy, y6 = yo + 6 * ldy, y7 = yo + 7 * ldy;
        FloatVector c00, c01, c02;
        FloatVector c10, c11, c12;
        FloatVector c20, c21, c22;
        FloatVector c30, c31, c32;
        FloatVector c40, c41, c42;
        FloatVector c50, c51, c52;
        FloatVector c60, c61, c62;
        FloatVector c70, c71, c72;
        if (acc) {
            c00 = FloatVector.fromArray(F, y, y0); c01 = FloatVector.fromArray(F, y, y0 + FL); c02 = FloatVector.fromArray(F, y, y0 + 2 * FL);
            c10 = FloatVector.fromArray(F, y, y1); c11 = FloatVector.fromArray(F, y, y1 + FL); c12 = FloatVector.fromArray(F, y, y1 + 2 * FL);
            c20 = FloatVector.fromArray(F, y, y2); c21 = FloatVector.fromArray(F, y, y2 + FL); c22 = FloatVector.fromArray(F, y, y2 + 2 * FL);
            c30 = FloatVector.fromArray(F, y, y3); c31 = FloatVector.fromArray(F, y, y3 + FL); c32 = FloatVector.fromArray(F, y, y3 + 2 * FL);
            c40 = FloatVector.fromArray(F, y, y4); c41 = FloatVector.fromArray(F, y, y4 + FL); c42 = FloatVector.fromArray(F, y, y4 + 2 * FL);
            c50 = FloatVector.fromArray(F, y, y5); c51 = FloatVector.fromArray(F, y, y5 + FL); c52 = FloatVector.fromArray(F, y, y5 + 2 * FL);
            c60 = FloatVector.fromArray(F, y, y6); c61 = FloatVector.fromArray(F, y, y6 + FL); c62 = FloatVector.fromArray(F, y, y6 + 2 * FL);
            c70 = FloatVector.fromArray(F, y, y7); c71 = FloatVector.fromArray(F, y, y7 + FL); c72 = FloatVector.fromArray(F, y, y7 + 2 * FL);
        } else {
            FloatVector z = FloatVector.zero(F);
            c00 = z; c01 = z; c02 = z;
            c10 = z; c11 = z; c12 = z;
            c20 = z; c21 = z; c22 = z;
            c30 = z; c31 = z; c32 = z;
            c40 = z; c41 = z; c42 = z;
            c50 = z; c51 = z; c52 = z;
            c60 = z; c61 = z; c62 = z;
            c70 = z; c71 = z; c72 = z;
        }
        int x0 = xo, x1 = xo + ldx, x2 = xo + 2 * ldx, x3 = xo + 3 * ldx;
        int x4 = xo + 4 * ldx, x5 = xo + 5 * ldx, x6 = xo + 6 * ldx, x7 = xo + 7 * ldx;
        for (int k = 0, wo = 0; k < kLen; k++, wo += ROWS) {
            FloatVector w0 = FloatVector.fromArray(F, wt, wo);
            FloatVector w1 = FloatVector.fromArray(F, wt, wo + FL);
            FloatVector w2 = FloatVector.fromArray(F, wt, wo + 2 * FL);
            FloatVector b = FloatVector.broadcast(F, x[x0 + k]);
            c00 = w0.fma(b, c00); c01 = w1.fma(b, c01); c02 = w2.fma(b, c02);
            b = FloatVector.broadcast(F, x[x1 + k]);
            c10 = w0.fma(b, c10); c11 = w1.fma(b, c11); c12 = w2.fma(b, c12);
            b = FloatVector.broadcast(F, x[x2 + k]);
            c20 = w0.fma(b, c20); c21 = w1.fma(b, c21); c22 = w2.fma(b, c22);
            b = FloatVector.broadcast(F, x[x3 + k]);
            c30 = w0.fma(b, c30); c31 = w1.fma(b, c31); c32 = w2.fma(b, c32);
            b = FloatVector.broadcast(F, x[x4 + k]);
            c40 = w0.fma(b, c40); c41 = w1.fma(b, c41); c42 = w2.fma(b, c42);
            b = FloatVector.broadcast(F, x[x5 + k]);
            c50 = w0.fma(b, c50); c51 = w1.fma(b, c51); c52 = w2.fma(b, c52);
            b = FloatVector.broadcast(F, x[x6 + k]);
            c60 = w0.fma(b, c60); c61 = w1.fma(b, c61); c62 = w2.fma(b, c62);
            b = FloatVector.broadcast(F, x[x7 + k]);
            c70 = w0.fma(b, c70); c71 = w1.fma(b, c71); c72 = w2.fma(b, c72);
        }
        c00.intoArray(y, y0); c01.intoArray(y, y0 + FL); c02.intoArray(y, y0 + 2 * FL);
        c10.intoArray(y, y1); c11.intoArray(y, y1 + FL); c12.intoArray(y, y1 + 2 * FL);
        c20.intoArray(y, y2); c21.intoArray(y, y2 + FL); c22.intoArray(y, y2 + 2 * FL);
        c30.intoArray(y, y3); c31.intoArray(y, y3 + FL); c32.intoArray(y, y3 + 2 * FL);
        c40.intoArray(y, y4); c41.intoArray(y, y4 + FL); c42.intoArray(y, y4 + 2 * FL);
        c50.intoArray(y, y5); c51.intoArray(y, y5 + FL); c52.intoArray(y, y5 + 2 * FL);
        c60.intoArray(y, y6); c61.intoArray(y, y6 + FL); c62.intoArray(y, y6 + 2 * FL);
        c70.intoArray(y, y7); c71.intoArray(y, y7 + FL); c72.intoArray(y, y7 + 2 * FL);
    }

    /** One activation column, any number of valid rows (edges of the matrix). */
    private static void column(float[] wt, int kLen, float[] x, int xo, float[] y, int yo, int validRows,
                               boolean acc) {
        VectorMask<Float> m0 = F.indexInRange(0, validRows);
        VectorMask<Float> m1 = F.indexInRange(FL, validRows);
        VectorMask<Float> m2 = F.indexInRange(2 * FL, validRows);
        FloatVector c0 = acc ? FloatVector.fromArray(F, y, yo, m0) : FloatVector.zero(F);
        FloatVector c1 = acc ? FloatVector.fromArray(F, y, yo + FL, m1) : FloatVector.zero(F);
        FloatVector c2 = acc ? FloatVector.fromArray(F, y, yo + 2 * FL, m2) : FloatVector.zero(F);
        for (int k = 0, wo = 0; k < kLen; k++, wo += ROWS) {
            FloatVector b = FloatVector.broadcast(F, x[xo + k]);
            c0 = FloatVector.fromArray(F, wt, wo).fma(b, c0);
            c1 = FloatVector.fromArray(F, wt, wo + FL).fma(b, c1);
            c2 = FloatVector.fromArray(F, wt, wo + 2 * FL).fma(b, c2);
        }
        c0.intoArray(y, yo, m0);
        c1.intoArray(y, yo + FL, m1);
        c2.intoArray(y, yo + 2 * FL, m2);
    }
}
