package io.quantarena.core.recipe;

import java.util.Objects;

/**
 * A recipe that cannot be applied, pointing at the setting at fault and saying why: an invalid
 * {@code --custom-q} regex, an unknown type name, an i-quant without importance data, a type
 * that does not fit a tensor's rows, a type this build cannot encode.
 */
public final class RecipeException extends IllegalArgumentException {

    private final RecipeSetting setting;
    private final String reason;

    /**
     * @param setting the option and the rule or value as written
     * @param reason  what is wrong with it, without the setting's name
     * @param message the whole message (for command-line output)
     */
    public RecipeException(RecipeSetting setting, String reason, String message) {
        super(message);
        this.setting = Objects.requireNonNull(setting, "setting");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RecipeException(RecipeSetting setting, String reason) {
        this(setting, reason, setting + ": " + reason);
    }

    public RecipeSetting setting() {
        return setting;
    }

    /** The option at fault, e.g. {@code --custom-q} or {@code ftype}. */
    public String option() {
        return setting.option();
    }

    /** The rule or value at fault, as written. */
    public String rule() {
        return setting.value();
    }

    public String reason() {
        return reason;
    }
}
