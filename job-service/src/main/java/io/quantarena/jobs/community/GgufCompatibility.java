package io.quantarena.jobs.community;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.quant.QuantCodecs;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a GGUF made elsewhere is a quant of a base model: the same architecture and the same
 * tensors (names and shapes; any types core can decode). Reports the first difference only.
 */
public final class GgufCompatibility {

    private GgufCompatibility() {
    }

    /** The first mismatch of {@code candidate} against {@code base} in words, empty when it is a quant of it. */
    public static Optional<String> firstMismatch(GgufFile base, GgufFile candidate) {
        String baseArch = base.metadata().findString("general.architecture").orElse("(none)");
        String arch = candidate.metadata().findString("general.architecture").orElse("(none)");
        if (!arch.equals(baseArch)) {
            return Optional.of("architecture is '" + arch + "', the base model's is '" + baseArch + "'");
        }
        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        candidate.tensors().forEach(t -> tensors.put(t.name(), t));
        for (GgufTensorInfo b : base.tensors()) {
            GgufTensorInfo t = tensors.remove(b.name());
            if (t == null) {
                return Optional.of("tensor '" + b.name() + "' of the base model is missing");
            }
            if (!Arrays.equals(shape(t), shape(b))) {
                return Optional.of("tensor '" + b.name() + "' has shape " + Arrays.toString(shape(t))
                        + ", the base model's has " + Arrays.toString(shape(b)));
            }
            if (!QuantCodecs.isSupported(t.type())) {
                return Optional.of("tensor '" + b.name() + "' has type " + t.type().typeName()
                        + ", which cannot be evaluated here");
            }
        }
        if (!tensors.isEmpty()) {
            return Optional.of("tensor '" + tensors.keySet().iterator().next() + "' is not in the base model");
        }
        return Optional.empty();
    }

    /** The dimensions without trailing 1s, so that [4096, 1] and [4096] compare equal. */
    private static long[] shape(GgufTensorInfo t) {
        long[] ne = t.ne();
        int n = ne.length;
        while (n > 1 && ne[n - 1] == 1) {
            n--;
        }
        return Arrays.copyOf(ne, n);
    }
}
