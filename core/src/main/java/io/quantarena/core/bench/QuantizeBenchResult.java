package io.quantarena.core.bench;

import io.quantarena.core.tensor.GgmlType;

/**
 * One row of the quantization benchmark: a whole model quantized to one type.
 *
 * @param type          the target type every quantizable matrix got
 * @param ftype         the llama-quantize ftype name of the recipe ({@code Q4_K_M --pure} plans like this)
 * @param fileBytes     size of the output file
 * @param bitsPerWeight output tensor bits over all parameters, as {@code quantize --dry-run} reports
 * @param inputBytes    bytes of the input tensors that were quantized (not the copied ones)
 * @param seconds       wall time of the quantization, output writing included
 * @param coresUsed     process CPU time over wall time (below the thread count when other
 *                      processes took the cores; NaN if unknown)
 * @param imatrix       which importance data were used: {@code none}, {@code uniform}, or the file
 */
public record QuantizeBenchResult(GgmlType type, String ftype, long fileBytes, double bitsPerWeight, long inputBytes,
                                  double seconds, double coresUsed, String imatrix) {

    /** Megabytes (10^6 bytes) of input tensor data per wall second. */
    public double megabytesPerSecond() {
        return inputBytes / 1e6 / seconds;
    }

    /**
     * Megabytes of input per second of process CPU time: the rate one fully available core
     * would give, less dependent on what else the machine runs (NaN if CPU time is unknown).
     */
    public double megabytesPerCpuSecond() {
        return megabytesPerSecond() / coresUsed;
    }
}
