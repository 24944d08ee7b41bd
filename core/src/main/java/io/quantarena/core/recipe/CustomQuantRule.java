package io.quantarena.core.recipe;

import io.quantarena.core.tensor.GgmlType;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@code --custom-q} rule {@code regex=type} (spec/quantize-tool.md §4.1): the regex is
 * searched anywhere in the tensor name (anchor with {@code ^…$} for exact names), and the type
 * is a ggml type name, matched exactly.
 *
 * @param text    the rule as written
 * @param pattern the compiled regex
 * @param type    the type it assigns
 */
public record CustomQuantRule(String text, Pattern pattern, GgmlType type) {

    public CustomQuantRule {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(type, "type");
    }

    /** Whether the regex matches anywhere in {@code tensorName} ({@code std::regex_search}). */
    public boolean matches(String tensorName) {
        return pattern.matcher(tensorName).find();
    }

    /**
     * Parses one {@code --custom-q} value: rules separated by {@code ,}, each split at its first
     * {@code =}.
     *
     * @throws RecipeException naming the rule and what is wrong with it: no {@code =}, empty
     *                         regex, invalid regex, unknown type name
     */
    public static List<CustomQuantRule> parseList(String spec) {
        Objects.requireNonNull(spec, "spec");
        List<CustomQuantRule> rules = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            rules.add(parse(part));
        }
        return rules;
    }

    /**
     * Parses one {@code regex=type} rule; see {@link #parseList}.
     *
     * @throws RecipeException naming the rule (option {@code --custom-q}) and what is wrong with it
     */
    public static CustomQuantRule parse(String rule) {
        int eq = rule.indexOf('=');
        if (eq < 0) {
            throw invalid(rule, "expected regex=type");
        }
        String regex = rule.substring(0, eq);
        String typeName = rule.substring(eq + 1);
        if (regex.isEmpty()) {
            throw invalid(rule, "empty regex");
        }
        GgmlType type;
        try {
            type = exactType(typeName);
        } catch (IllegalArgumentException e) {
            throw invalid(rule, e.getMessage());
        }
        try {
            return new CustomQuantRule(rule, Pattern.compile(regex), type);
        } catch (PatternSyntaxException e) {
            throw invalid(rule, "invalid regex '" + regex + "': " + e.getDescription()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
        }
    }

    private static RecipeException invalid(String rule, String reason) {
        return new RecipeException(new RecipeSetting(RecipeSetting.CUSTOM_Q, rule), reason,
                "custom-q rule '" + rule + "': " + reason);
    }

    /**
     * A ggml type by its exact, case-sensitive name, as llama-quantize parses {@code --custom-q}
     * and the {@code --*-type} options.
     *
     * @throws IllegalArgumentException naming the value (and the right spelling when only the
     *                                  case is wrong)
     */
    public static GgmlType exactType(String typeName) {
        GgmlType t;
        try {
            t = GgmlType.byName(typeName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown type '" + typeName + "' (expected a ggml type name such as q4_K, q8_0, iq4_ks, iq5_k, bf16)");
        }
        if (!t.typeName().equals(typeName)) {
            throw new IllegalArgumentException("unknown type '" + typeName + "' (ggml type names are case-sensitive: did you mean '" + t.typeName() + "'?)");
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CustomQuantRule r && text.equals(r.text) && type == r.type;
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
