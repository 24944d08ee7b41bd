package io.quantarena.quantworker;

import io.quantarena.contracts.QuantRecipe;
import io.quantarena.core.recipe.CustomQuantRule;
import io.quantarena.core.recipe.KvOverride;
import io.quantarena.core.recipe.Recipe;
import io.quantarena.core.recipe.TypeOption;

/** A request's recipe as core's {@link Recipe} (job-service validated it; errors still name the setting). */
final class Recipes {

    private Recipes() {
    }

    static Recipe toCore(QuantRecipe r) {
        Recipe recipe = Recipe.of(r.ftype());
        for (String rule : r.customQ()) {
            recipe = recipe.withCustomRules(rule);
        }
        if (r.tokenEmbeddingType() != null) {
            recipe = recipe.withType(TypeOption.TOKEN_EMBEDDING, CustomQuantRule.exactType(r.tokenEmbeddingType()));
        }
        if (r.outputTensorType() != null) {
            recipe = recipe.withType(TypeOption.OUTPUT, CustomQuantRule.exactType(r.outputTensorType()));
        }
        for (String kv : r.overrideKv()) {
            recipe = recipe.withOverride(KvOverride.parse(kv));
        }
        if (r.pure()) {
            recipe = recipe.withFlag(Recipe.Flag.PURE);
        }
        return recipe;
    }
}
