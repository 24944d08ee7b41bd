package io.quantarena.core.quant;

import io.quantarena.core.tensor.GgmlType;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The codecs we implement, by type. */
public final class QuantCodecs {

    private static final Map<GgmlType, QuantCodec> CODECS = new EnumMap<>(GgmlType.class);

    static {
        // Each format family registers its codecs here.
        for (QuantCodec c : List.<QuantCodec>of(
                new F32Codec(), new F16Codec(), new Bf16Codec(),
                new Q4_0Codec(), new Q4_1Codec(), new Q5_0Codec(), new Q5_1Codec(), new Q8_0Codec(), new Q6_0Codec(),
                new Iq4NlCodec(), new Iq4XsCodec(),
                new Q8KCodec(),
                // K-quants (256-element super-blocks)
                new Q2KCodec(), new Q3KCodec(), new Q4KCodec(), new Q5KCodec(), new Q6KCodec(),
                // ik non-linear types (IqkCodec)
                new Iq4KsCodec(),
                new Iq4KCodec(),
                new Iq5KCodec(),
                new Iq6KCodec(),
                new Iq5KsCodec(),
                new Iq3KCodec(),
                new Iq2KCodec(),
                new Iq2KsCodec(),
                new Iq4KssCodec(),
                new Iq3KsCodec(),
                new Iq2XxsCodec(), new Iq3XxsCodec(), new Iq1SCodec(), new Iq1MCodec(), new Iq2XsCodec(), new Iq2SCodec(), new Iq3SCodec()
        )) {
            CODECS.put(c.type(), c);
        }
    }

    private QuantCodecs() {
    }

    /** The codec for {@code type}, or an exception naming the type and the supported ones. */
    public static QuantCodec forType(GgmlType type) {
        QuantCodec c = CODECS.get(type);
        if (c == null) {
            throw new UnsupportedOperationException("quant type " + type.typeName() + " (id " + type.id()
                    + ") is not supported; supported: " + supported());
        }
        return c;
    }

    public static boolean isSupported(GgmlType type) {
        return CODECS.containsKey(type);
    }

    public static Set<GgmlType> supported() {
        return CODECS.keySet();
    }
}
