/**
 * Matrix products between quantized weight rows and activations, behind the backend seam
 * {@link io.quantarena.core.kernel.MatrixKernels}: {@link io.quantarena.core.kernel.ScalarMatrixKernels}
 * is the reference (codec dequantization + plain float dot), {@code cpu.CpuMatrixKernels} the
 * Vector API backend; a CUDA backend implements the same interface later.
 *
 * <p>Quantized activations ({@link io.quantarena.core.kernel.QuantizedVector}, Q8_0 / Q8_K in the
 * reference byte layout) are supported with the reference semantics {@code dot(w, d·q)}. On the
 * JVM the int8 path is not faster (the Vector API has no pmaddubsw/VNNI), so the CPU backend widens
 * the activation once per call and uses its float kernels.
 */
package io.quantarena.core.kernel;
