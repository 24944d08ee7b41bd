package io.quantarena.core.recipe;

import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.tensor.GgmlType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What llama-quantize is asked to do (spec/quantize-tool.md §1, §4): a base ftype plus
 * {@code --custom-q} rules (in order), per-tensor-kind type options, metadata overrides and
 * flags. The importance matrix is data, not part of the recipe; see {@link QuantizeJob}.
 *
 * @param ftype       the llama file type; its base type and per-tensor rules drive the mixture,
 *                    and its value is written as {@code general.file_type}
 * @param customRules {@code --custom-q} rules, first match wins
 * @param typeOptions {@code --token-embedding-type}, {@code --output-tensor-type}, ...
 * @param kvOverrides {@code --override-kv}, applied in order
 * @param flags       {@code --pure}, {@code --leave-output-tensor}, ...
 */
public record Recipe(LlamaFileType ftype, List<CustomQuantRule> customRules, Map<TypeOption, GgmlType> typeOptions,
                     List<KvOverride> kvOverrides, Set<Flag> flags) {

    /** Boolean options of llama-quantize. */
    public enum Flag {
        PURE("--pure"),
        LEAVE_OUTPUT_TENSOR("--leave-output-tensor"),
        ALLOW_REQUANTIZE("--allow-requantize"),
        IGNORE_IMATRIX_RULES("--ignore-imatrix-rules"),
        HIDE_IMATRIX("--hide-imatrix");

        private final String cliName;

        Flag(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }
    }

    public Recipe {
        Objects.requireNonNull(ftype, "ftype");
        customRules = List.copyOf(customRules);
        EnumMap<TypeOption, GgmlType> opts = new EnumMap<>(TypeOption.class);
        opts.putAll(typeOptions);
        typeOptions = Collections.unmodifiableMap(opts);
        kvOverrides = List.copyOf(kvOverrides);
        EnumSet<Flag> f = EnumSet.noneOf(Flag.class);
        f.addAll(flags);
        flags = Collections.unmodifiableSet(f);
    }

    /** The ftype with its default per-tensor rules and nothing else. */
    public static Recipe of(LlamaFileType ftype) {
        return new Recipe(ftype, List.of(), Map.of(), List.of(), Set.of());
    }

    /** {@link #of} with the ftype parsed from a llama-quantize TYPE argument ({@code Q4_K_M}, {@code iq4_ks}, {@code 15}). */
    public static Recipe of(String ftypeName) {
        return of(LlamaFileType.fromQuantizeName(ftypeName));
    }

    /** With {@code rules} appended, parsed from one {@code --custom-q} value. */
    public Recipe withCustomRules(String rules) {
        List<CustomQuantRule> all = new ArrayList<>(customRules);
        all.addAll(CustomQuantRule.parseList(rules));
        return new Recipe(ftype, all, typeOptions, kvOverrides, flags);
    }

    public Recipe withType(TypeOption option, GgmlType type) {
        EnumMap<TypeOption, GgmlType> opts = new EnumMap<>(TypeOption.class);
        opts.putAll(typeOptions);
        opts.put(option, Objects.requireNonNull(type, "type"));
        return new Recipe(ftype, customRules, opts, kvOverrides, flags);
    }

    public Recipe withOverride(KvOverride o) {
        List<KvOverride> all = new ArrayList<>(kvOverrides);
        all.add(o);
        return new Recipe(ftype, customRules, typeOptions, all, flags);
    }

    public Recipe withFlag(Flag flag) {
        EnumSet<Flag> f = EnumSet.of(flag);
        f.addAll(flags);
        return new Recipe(ftype, customRules, typeOptions, kvOverrides, f);
    }

    public boolean has(Flag flag) {
        return flags.contains(flag);
    }

    /** The type given for an option, or null. */
    public GgmlType type(TypeOption option) {
        return typeOptions.get(option);
    }

    /**
     * The recipe as llama-quantize arguments, e.g. {@code Q4_K_M --custom-q "attn=q8_0,ffn_down=q6_K"};
     * recorded in the output's metadata.
     */
    public String text() {
        StringBuilder sb = new StringBuilder(ftype.quantizeName() != null ? ftype.quantizeName() : Integer.toString(ftype.value()));
        for (Flag f : flags) {
            sb.append(' ').append(f.cliName());
        }
        if (!customRules.isEmpty()) {
            sb.append(" --custom-q \"").append(String.join(",", customRules.stream().map(CustomQuantRule::text).toList())).append('"');
        }
        for (Map.Entry<TypeOption, GgmlType> e : typeOptions.entrySet()) {
            sb.append(' ').append(e.getKey().cliName()).append(' ').append(e.getValue().typeName());
        }
        for (KvOverride o : kvOverrides) {
            sb.append(" --override-kv \"").append(o.text()).append('"');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
