package io.quantarena.core.recipe;

import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufMetadata;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.gguf.GgufWriter;
import io.quantarena.core.gguf.LlamaFileType;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixEntry;
import io.quantarena.core.tensor.GgmlType;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.quantarena.core.gguf.LlamaFileType.*;
import static io.quantarena.core.tensor.GgmlType.*;

/**
 * Decides every tensor's output type the way ik_llama.cpp's llama-quantize does
 * (spec/quantize-tool.md §3, §4): which tensors are quantized, the ftype's per-tensor mixture
 * ({@code llama_tensor_get_type}: output/embedding rules, the attn_v and ffn_down layer
 * counters, MoE and GQA bumps), {@code --custom-q} rules, the type options, the 256-column
 * fallbacks and the interleaved-type checks; then the output metadata and size.
 *
 * <p>One planner instance plans one model once (the layer counters are state).
 */
public final class TensorTypePlanner {

    /** ftypes llama-quantize refuses without an importance matrix (§1). */
    private static final Set<LlamaFileType> NEEDS_IMATRIX_FTYPES = EnumSet.of(MOSTLY_IQ2_XS, MOSTLY_IQ2_XXS, MOSTLY_IQ2_S,
            MOSTLY_IQ2_XXS_R4, MOSTLY_Q2_K_S, MOSTLY_IQ2_XS_R4, MOSTLY_IQ1_S, MOSTLY_IQ1_S_R4, MOSTLY_IQ1_M_R4, MOSTLY_IQ1_M);
    /** Types a tensor may only get with importance data for it (§5.1; q2_K only under Q2_K_S). */
    private static final Set<GgmlType> NEEDS_IMATRIX_TYPES = EnumSet.of(IQ2_XXS, IQ2_XS, IQ2_S, IQ1_S, IQ1_M, IQ1_KT, IQ2_KT,
            IQ2_XXS_R4, IQ2_XS_R4, IQ2_S_R4, IQ1_S_R4, IQ1_M_R4);
    /** ftypes whose mixture uses tables the spec does not give (§4.2 D, E). */
    private static final Set<LlamaFileType> UNSPECIFIED_MIXTURES = EnumSet.of(MOSTLY_IQ1_S_R4, MOSTLY_IQ1_M_R4, MOSTLY_IQ2_KT);

    // §4.2 branch A
    private static final Set<LlamaFileType> A_LOW_BIT = EnumSet.of(MOSTLY_IQ2_XXS, MOSTLY_IQ2_XS, MOSTLY_IQ3_XXS, MOSTLY_IQ1_S,
            MOSTLY_IQ2_S, MOSTLY_IQ2_M, MOSTLY_IQ1_M, MOSTLY_IQ2_K, MOSTLY_IQ3_K, MOSTLY_IQ2_KS, MOSTLY_IQ3_K_R4, MOSTLY_IQ3_KS,
            MOSTLY_IQ2_K_R4, MOSTLY_IQ3_XXS_R4, MOSTLY_IQ2_KL, MOSTLY_IQ2_M_R4, MOSTLY_IQ1_S_R4, MOSTLY_IQ1_M_R4, MOSTLY_IQ2_KT,
            MOSTLY_IQ3_KT, MOSTLY_IQ1_KT);
    private static final Set<LlamaFileType> A_TIED_IQ5 = EnumSet.of(MOSTLY_IQ3_S, MOSTLY_IQ3_M, MOSTLY_IQ3_KL, MOSTLY_IQ4_XS,
            MOSTLY_IQ3_S_R4, MOSTLY_IQ4_KS, MOSTLY_IQ4_KSS, MOSTLY_IQ4_KS_R4);
    private static final Set<GgmlType> A_KEEP = EnumSet.of(Q8_0, Q8_0_R8, IQ6_K, Q6_K_R4, Q8_K_R8, Q8_KV, Q8_KV_R8);
    // branch B
    private static final Set<LlamaFileType> B_Q2K = EnumSet.of(MOSTLY_IQ2_XXS, MOSTLY_IQ2_XS, MOSTLY_IQ1_S, MOSTLY_IQ1_M,
            MOSTLY_IQ2_XXS_R4, MOSTLY_IQ2_XS_R4, MOSTLY_IQ1_S_R4, MOSTLY_IQ1_M_R4);
    private static final Set<LlamaFileType> B_IQ3S = EnumSet.of(MOSTLY_IQ2_S, MOSTLY_IQ2_M, MOSTLY_IQ2_M_R4, MOSTLY_IQ3_XXS,
            MOSTLY_IQ3_KT);
    private static final Set<LlamaFileType> B_BITNET = EnumSet.of(MOSTLY_IQ1_BN, MOSTLY_IQ2_BN, MOSTLY_IQ2_BN_R4);
    // branch F
    private static final Set<LlamaFileType> F_FTYPES = EnumSet.of(MOSTLY_IQ2_XXS, MOSTLY_IQ2_XS, MOSTLY_IQ1_S, MOSTLY_IQ2_S,
            MOSTLY_IQ2_M, MOSTLY_IQ1_M, MOSTLY_IQ2_KS, MOSTLY_IQ2_XXS_R4, MOSTLY_IQ2_XS_R4, MOSTLY_IQ2_M_R4);
    private static final Set<LlamaFileType> F_M2 = EnumSet.of(MOSTLY_IQ2_S, MOSTLY_IQ2_M, MOSTLY_IQ2_M_R4);
    // branch G rule 23
    private static final Set<LlamaFileType> G_IQ4_TO_IQ5 = EnumSet.of(MOSTLY_IQ4_NL, MOSTLY_IQ4_XS, MOSTLY_IQ4_NL_R4,
            MOSTLY_IQ4_XS_R8, MOSTLY_IQ4_KS, MOSTLY_IQ4_KSS);
    // branch J rule 13
    private static final Set<LlamaFileType> J_IQ4_NO_IMATRIX = EnumSet.of(MOSTLY_IQ4_NL, MOSTLY_IQ4_XS, MOSTLY_IQ4_KS,
            MOSTLY_IQ4_KSS, MOSTLY_IQ4_NL_R4, MOSTLY_IQ4_XS_R8);
    // branch K
    private static final Set<LlamaFileType> K_MOE_Q5K = EnumSet.of(MOSTLY_Q2_K, MOSTLY_IQ3_XS, MOSTLY_IQ3_XXS, MOSTLY_Q3_K_S,
            MOSTLY_Q3_K_M, MOSTLY_IQ4_NL, MOSTLY_Q4_K_S, MOSTLY_Q4_K_M, MOSTLY_IQ3_S, MOSTLY_IQ3_M, MOSTLY_IQ4_XS, MOSTLY_IQ4_K,
            MOSTLY_IQ4_KSS, MOSTLY_IQ4_KS, MOSTLY_IQ4_KS_R4, MOSTLY_IQ5_KS, MOSTLY_IQ5_KS_R4, MOSTLY_IQ2_K, MOSTLY_IQ3_K,
            MOSTLY_IQ3_KL, MOSTLY_Q4_K_R4, MOSTLY_IQ4_NL_R4, MOSTLY_IQ4_XS_R8, MOSTLY_Q3_K_R4, MOSTLY_IQ3_KT, MOSTLY_IQ3_KS,
            MOSTLY_Q2_K_R4, MOSTLY_IQ4_K_R4, MOSTLY_IQ3_K_R4, MOSTLY_IQ2_K_R4, MOSTLY_IQ3_XXS_R4, MOSTLY_IQ3_S_R4);

    private final GgufMetadata metadata;
    private final List<GgufTensorInfo> tensors;
    private final Recipe recipe;
    private final LlamaFileType ftype;
    private final Imatrix imatrix;
    private final boolean hasImatrix;
    private final ModelFacts model;

    private final List<String> warnings = new ArrayList<>();
    private final int[] ruleWins;
    private final boolean[] ruleMatched;
    private int fallbacks;
    private int iAttentionWv;
    private int iFfnDown;
    private int iFfnGate;
    private int iFfnUp;

    private TensorTypePlanner(GgufMetadata metadata, List<GgufTensorInfo> tensors, Recipe recipe, Imatrix imatrix) {
        this.metadata = metadata;
        this.tensors = tensors;
        this.recipe = recipe;
        this.ftype = recipe.ftype();
        this.imatrix = imatrix;
        this.hasImatrix = imatrix != null && !imatrix.isEmpty();
        this.model = ModelFacts.of(metadata, tensors);
        this.ruleWins = new int[recipe.customRules().size()];
        this.ruleMatched = new boolean[recipe.customRules().size()];
    }

    /** Whether llama-quantize refuses this ftype without an importance matrix (§1). */
    public static boolean requiresImatrix(LlamaFileType ftype) {
        return NEEDS_IMATRIX_FTYPES.contains(ftype);
    }

    /** Plans {@code recipe} for an opened model; {@code imatrix} may be null. */
    public static QuantPlan plan(GgufFile model, Recipe recipe, Imatrix imatrix) {
        return plan(model.metadata(), model.tensors(), recipe, imatrix);
    }

    /**
     * Plans {@code recipe} for a model given by its metadata and tensor list.
     *
     * @param imatrix importance data, or null (rules that depend on "has imatrix" see none)
     * @throws IllegalArgumentException when the recipe cannot be applied: an ftype or tensor
     *                                  type that needs an importance matrix without one, a
     *                                  type that does not fit a tensor's rows, requantization
     *                                  without {@code --allow-requantize}, an imatrix entry of
     *                                  the wrong size; the message names the tensor, the type
     *                                  and the rule that chose it
     */
    public static QuantPlan plan(GgufMetadata metadata, List<GgufTensorInfo> tensors, Recipe recipe, Imatrix imatrix) {
        return new TensorTypePlanner(metadata, List.copyOf(tensors), recipe, imatrix).run();
    }

    private QuantPlan run() {
        if (!hasImatrix && !recipe.has(Recipe.Flag.IGNORE_IMATRIX_RULES) && NEEDS_IMATRIX_FTYPES.contains(ftype)) {
            throw new RecipeException(RecipeSetting.ftype(ftype), "needs an importance matrix",
                    "ftype " + ftype.quantizeName() + ": Please do not use IQ1_S, IQ1_M, IQ2_S, IQ2_XXS, IQ2_XS"
                    + " or Q2_K_S quantization without an importance matrix (give --imatrix FILE, or --ignore-imatrix-rules)");
        }
        boolean mixture = !recipe.has(Recipe.Flag.PURE) && !ftype.baseType().isUnquantized();
        if (mixture && UNSPECIFIED_MIXTURES.contains(ftype)) {
            throw new UnsupportedOperationException("ftype " + ftype.quantizeName() + ": its per-tensor mixture is not implemented"
                    + " (llama-quantize uses special tables for it); use --pure, optionally with type options");
        }
        if (recipe.has(Recipe.Flag.PURE) && !recipe.customRules().isEmpty()) {
            warnings.add("--custom-q rules are not applied with --pure (as in llama-quantize)");
        }

        List<PlannedTensor> planned = new ArrayList<>(tensors.size());
        List<String> missingImatrix = new ArrayList<>();
        RecipeSetting firstMissing = null;
        for (GgufTensorInfo t : tensors) {
            PlannedTensor p = planTensor(t, mixture);
            if (p.convert()) {
                int before = missingImatrix.size();
                p = withImatrix(p, missingImatrix);
                if (firstMissing == null && missingImatrix.size() > before) {
                    firstMissing = p.chosenBy();
                }
            }
            planned.add(p);
        }
        if (!missingImatrix.isEmpty()) {
            int shown = Math.min(5, missingImatrix.size());
            throw new RecipeException(firstMissing, (hasImatrix ? "the importance matrix has no data for " : "needs an importance matrix for ")
                    + missingImatrix.size() + " tensor(s): " + String.join("; ", missingImatrix.subList(0, shown))
                    + (shown < missingImatrix.size() ? "; ..." : ""),
                    "Missing importance matrix for " + missingImatrix.size() + " tensor(s) in a very low-bit quantization: "
                    + String.join("; ", missingImatrix.subList(0, shown)) + (shown < missingImatrix.size() ? "; ..." : "")
                    + " (give --imatrix FILE with data for them, choose another type, or --ignore-imatrix-rules)");
        }
        if (mixture) {
            reportRuleUse();
        }
        if (fallbacks > 0) {
            warnings.add(fallbacks + " of " + planned.stream().filter(PlannedTensor::convert).count()
                    + " tensor(s) required fallback quantization");
        }
        Map<String, io.quantarena.core.gguf.GgufValue> md = QuantMetadata.build(metadata, recipe, imatrix);
        long fileBytes = GgufWriter.singleFileSize(md, planned.stream().map(PlannedTensor::target).toList());
        return new QuantPlan(recipe, planned, md, fileBytes, warnings, fallbacks, hasImatrix);
    }

    // ---- §3, §4 per tensor -------------------------------------------------------------------

    private PlannedTensor planTensor(GgufTensorInfo t, boolean mixture) {
        String name = t.name();
        String skip = notQuantizedReason(t);
        if (skip != null) {
            return new PlannedTensor(t, t.type(), "not quantized: " + skip, null, null);
        }
        long ne0 = t.ne(0);
        GgmlType type = ftype.baseType();
        String reason = ftype.quantizeName() + (recipe.has(Recipe.Flag.PURE) ? " --pure" : "");
        RecipeSetting chosenBy = RecipeSetting.ftype(ftype);
        if (recipe.has(Recipe.Flag.PURE)) {
            type = fallback(t, type);
        } else if (mixture) {
            int rule = firstMatchingRule(name);
            GgmlType byRules = defaultType(t, type);
            if (byRules != type) {
                reason = ftype.quantizeName() + " rules";
            }
            type = byRules;
            if (rule >= 0) {
                CustomQuantRule r = recipe.customRules().get(rule);
                type = r.type();
                reason = "custom rule '" + r.text() + "'";
                chosenBy = RecipeSetting.customRule(r);
                ruleWins[rule]++;
            }
            GgmlType fb = fallback(t, type);
            if (fb != type) {
                reason += ", fallback from " + type.typeName() + " (" + ne0 + " columns not a multiple of 256)";
                type = fb;
            }
            type = tokenEmbeddingCheck(name, type);
        }
        // main-loop overrides: exact names, they beat custom rules (§4 step 3)
        if (recipe.type(TypeOption.TOKEN_EMBEDDING) != null && name.equals("token_embd.weight")) {
            type = recipe.type(TypeOption.TOKEN_EMBEDDING);
            reason = TypeOption.TOKEN_EMBEDDING.cliName();
            chosenBy = RecipeSetting.typeOption(TypeOption.TOKEN_EMBEDDING, type);
        }
        if (recipe.type(TypeOption.OUTPUT) != null && name.equals("output.weight")) {
            type = recipe.type(TypeOption.OUTPUT);
            reason = TypeOption.OUTPUT.cliName();
            chosenBy = RecipeSetting.typeOption(TypeOption.OUTPUT, type);
        }
        if (recipe.type(TypeOption.FFN_GATE_INP) != null && name.contains("ffn_gate_inp.weight")) {
            type = recipe.type(TypeOption.FFN_GATE_INP);
            reason = TypeOption.FFN_GATE_INP.cliName();
            chosenBy = RecipeSetting.typeOption(TypeOption.FFN_GATE_INP, type);
        }
        type = tokenEmbeddingCheck(name, type);
        // §4 step 4: interleaved types need whole row groups
        int rows = TensorQuantRules.interleavedRows(type);
        if (rows > 1 && t.ne(1) % rows != 0) {
            reason += ", " + type.typeName() + " needs rows in groups of " + rows;
            type = TensorQuantRules.deinterleaved(type);
        }
        if (!TensorQuantRules.fits(type, ne0)) {
            String why = "tensor '" + name + "' has rows of " + ne0 + " elements, not a multiple of the "
                    + type.blockSize() + "-element blocks of " + type.typeName();
            throw new RecipeException(chosenBy, why, why + " (chosen by " + reason + ")");
        }
        if (type == t.type()) {
            return new PlannedTensor(t, type, reason + " (already " + type.typeName() + ", copied)", null, chosenBy);
        }
        if (!t.type().isUnquantized() && !recipe.has(Recipe.Flag.ALLOW_REQUANTIZE)) {
            throw new IllegalArgumentException("tensor '" + name + "': requantizing from type " + t.type().typeName()
                    + " to " + type.typeName() + " is disabled (use --allow-requantize)");
        }
        return new PlannedTensor(t, type, reason, null, chosenBy);
    }

    /** §3: why a tensor is copied whatever the recipe says, or null when it is quantized. */
    private String notQuantizedReason(GgufTensorInfo t) {
        String name = t.name();
        switch (t.type()) {
            case I8, I16, I32, I64 -> {
                return "integer type";
            }
            default -> {
            }
        }
        if (!name.endsWith("weight")) {
            return "not a weight";
        }
        if (t.significantDims() < 2) {
            return "1-D";
        }
        if (name.contains("_norm.weight")) {
            return "norm";
        }
        if (!TensorQuantRules.isWeightMatrix(t)) {
            return "always copied";
        }
        if (recipe.has(Recipe.Flag.LEAVE_OUTPUT_TENSOR) && name.equals("output.weight")) {
            return "--leave-output-tensor";
        }
        if (name.contains("ffn_gate_inp.weight")) {
            GgmlType g = recipe.type(TypeOption.FFN_GATE_INP);
            if (g == null || g == t.type()) {
                return "MoE router";
            }
        }
        return null;
    }

    private int firstMatchingRule(String name) {
        int first = -1;
        List<CustomQuantRule> rules = recipe.customRules();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).matches(name)) {
                ruleMatched[i] = true;
                if (first < 0) {
                    first = i;
                }
            }
        }
        return first;
    }

    private void reportRuleUse() {
        List<CustomQuantRule> rules = recipe.customRules();
        for (int i = 0; i < rules.size(); i++) {
            if (!ruleMatched[i]) {
                warnings.add("custom-q rule '" + rules.get(i).text() + "' matches no quantized tensor");
            } else if (ruleWins[i] == 0) {
                warnings.add("custom-q rule '" + rules.get(i).text() + "' never applies: earlier rules match all its tensors");
            }
        }
    }

    private GgmlType fallback(GgufTensorInfo t, GgmlType type) {
        GgmlType fb = TensorQuantRules.fallback(type, t.ne(0));
        if (fb != type) {
            fallbacks++;
            warnings.add("tensor cols " + t.ne(0) + " x " + t.ne(1) + " of '" + t.name() + "' are not divisible by 256, required for "
                    + type.typeName() + " - using fallback quantization " + fb.typeName());
        }
        return fb;
    }

    /** §4.7: token embeddings are never row-interleaved. */
    private static GgmlType tokenEmbeddingCheck(String name, GgmlType type) {
        if (name.equals("token_embd.weight") || name.equals("per_layer_token_embd.weight")) {
            return TensorQuantRules.deinterleaved(type);
        }
        return type;
    }

    /** Attaches the imatrix entry a converted tensor uses, or records why a low-bit type cannot be made. */
    private PlannedTensor withImatrix(PlannedTensor p, List<String> missing) {
        String name = p.name();
        GgufTensorInfo t = p.source();
        String entry = null;
        String why = hasImatrix ? "no entry for it in the importance matrix" : "no --imatrix given";
        if (hasImatrix) {
            Optional<ImatrixEntry> e = imatrix.lookup(name);
            if (e.isEmpty()) {
                warnings.add("did not find imatrix data for '" + name + "'; quantizing it without");
            } else {
                long want = t.ne(0) * t.ne(2);
                if (e.get().size() == want) {
                    entry = e.get().name();
                } else if (name.equals("token_embd.weight")) {
                    warnings.add("imatrix entry '" + e.get().name() + "' has " + e.get().size() + " values, '" + name + "' needs "
                            + want + "; quantizing it without");
                    why = "imatrix entry of the wrong size";
                } else {
                    String wrongSize = "imatrix entry '" + e.get().name() + "' has " + e.get().size() + " values, tensor '"
                            + name + "' " + t.shapeString() + " needs ne0*ne2 = " + want;
                    throw new RecipeException(new RecipeSetting(RecipeSetting.IMATRIX, imatrix.source().orElse("imatrix")), wrongSize, wrongSize);
                }
            }
        }
        boolean lowBit = NEEDS_IMATRIX_TYPES.contains(p.targetType()) || (p.targetType() == Q2_K && ftype == MOSTLY_Q2_K_S);
        if (entry == null && lowBit && !recipe.has(Recipe.Flag.IGNORE_IMATRIX_RULES)
                && !name.equals("token_embd.weight") && !name.equals("output.weight")) {
            missing.add("'" + name + "' as " + p.targetType().typeName() + " (from " + p.reason() + "): " + why);
        }
        return new PlannedTensor(t, p.targetType(), p.reason(), entry, p.chosenBy());
    }

    // ---- §4.2 llama_tensor_get_type ------------------------------------------------------------

    private GgmlType opt(TypeOption o) {
        return recipe.type(o);
    }

    private boolean is(LlamaFileType... fts) {
        for (LlamaFileType f : fts) {
            if (ftype == f) {
                return true;
            }
        }
        return false;
    }

    private GgmlType defaultType(GgufTensorInfo t, GgmlType type) {
        String name = t.name();
        int nGqa = model.nGqa();
        int nExpert = model.nExpert();
        boolean hasOutput = model.hasOutput();

        if (name.equals("output.weight") || (!hasOutput && name.equals("token_embd.weight"))) { // A
            if (opt(TypeOption.OUTPUT) != null) {
                return opt(TypeOption.OUTPUT);
            }
            if (model.isFalcon() || t.ne(0) % TensorQuantRules.QK_K != 0) {
                return Q8_0;
            }
            if (A_LOW_BIT.contains(ftype)) {
                return hasOutput ? Q5_K : IQ4_K;
            }
            if (is(MOSTLY_IQ2_XXS_R4, MOSTLY_IQ2_XS_R4)) {
                return hasOutput ? Q5_K_R4 : IQ4_K_R4;
            }
            if (A_TIED_IQ5.contains(ftype) && !hasOutput) {
                return IQ5_K;
            }
            return A_KEEP.contains(type) ? type : Q6_K;
        }
        if (name.equals("token_embd.weight")) { // B
            return embeddingType(type, opt(TypeOption.TOKEN_EMBEDDING));
        }
        if (name.equals("per_layer_token_embd.weight")) { // C
            return embeddingType(type, opt(TypeOption.PER_LAYER_TOKEN_EMBEDDING));
        }
        if (F_FTYPES.contains(ftype)) {
            return lowBitType(name, type, nGqa, nExpert);
        }
        if (name.contains("attn_v.weight")) {
            GgmlType r = attnV(type, nGqa, nExpert);
            iAttentionWv++;
            return r;
        }
        if (name.contains("attn_k")) { // H
            if (opt(TypeOption.ATTN_K) != null) {
                return opt(TypeOption.ATTN_K);
            }
            if (nExpert >= 4) {
                return Q8_0;
            }
            if (is(MOSTLY_IQ3_XS)) {
                return IQ3_XXS;
            }
            if (is(MOSTLY_IQ3_XXS, MOSTLY_IQ3_XXS_R4)) {
                return IQ2_S;
            }
            return type;
        }
        if (name.contains("attn_q")) { // I
            if (opt(TypeOption.ATTN_Q) != null) {
                return opt(TypeOption.ATTN_Q);
            }
            // Not in spec §4.2 I, whose §4.3 table keeps q4_K for 16/128 experts; the reference
            // quants of tiny-llama4 (8 experts) have q8_0 attn_q for every ftype.
            if (nExpert == 8) {
                return Q8_0;
            }
            if (is(MOSTLY_IQ3_XS)) {
                return IQ3_XXS;
            }
            if (is(MOSTLY_IQ3_XXS, MOSTLY_IQ3_XXS_R4)) {
                return IQ2_S;
            }
            if (bigVocab8Bor70B()) {
                if (is(MOSTLY_Q5_K_S)) {
                    return Q4_K;
                }
                if (is(MOSTLY_IQ5_K)) {
                    return IQ4_K;
                }
                if (is(MOSTLY_IQ5_KS)) {
                    return IQ4_KS;
                }
            }
            return type;
        }
        if (name.contains("ffn_down")) {
            int i = layer(name, iFfnDown);
            GgmlType r = ffnDown(type, i, model.nLayer(), nExpert);
            iFfnDown++;
            return r;
        }
        if (name.contains("attn_output.weight")) {
            return attnOutput(type, nGqa, nExpert);
        }
        if (name.contains("attn_qkv.weight")) { // L (names with attn_q were taken by I)
            if (is(MOSTLY_Q3_K_M, MOSTLY_Q3_K_L)) {
                return Q4_K;
            }
            if (is(MOSTLY_IQ3_M)) {
                return IQ4_K;
            }
            if (is(MOSTLY_Q4_K_M)) {
                return Q5_K;
            }
            if (is(MOSTLY_Q5_K_M)) {
                return Q6_K;
            }
            return type;
        }
        if (name.contains("ffn_gate")) { // M
            int i = layer(name, iFfnGate);
            GgmlType r = gateOrUp(type, i, opt(TypeOption.FFN_GATE));
            iFfnGate++;
            return r;
        }
        if (name.contains("ffn_up")) { // N
            int i = layer(name, iFfnUp);
            GgmlType r = gateOrUp(type, i, opt(TypeOption.FFN_UP));
            iFfnUp++;
            return r;
        }
        return type;
    }

    private GgmlType embeddingType(GgmlType type, GgmlType option) {
        if (option != null) {
            return option;
        }
        if (B_Q2K.contains(ftype)) {
            return Q2_K;
        }
        if (B_IQ3S.contains(ftype)) {
            return IQ3_S;
        }
        if (is(MOSTLY_IQ3_XXS_R4)) {
            return IQ3_K;
        }
        if (B_BITNET.contains(ftype)) {
            return IQ4_NL;
        }
        return type;
    }

    /** Branch F: the 1-2 bit ftypes. */
    private GgmlType lowBitType(String name, GgmlType type, int nGqa, int nExpert) {
        boolean m2 = F_M2.contains(ftype);
        if (name.contains("attn_v.weight")) {
            GgmlType r = nGqa >= 4 || nExpert >= 4 ? IQ4_K : nGqa >= 2 || nExpert >= 2 ? IQ3_K : m2 ? IQ3_S : Q2_K;
            iAttentionWv++;
            return r;
        }
        if (nExpert >= 8 && name.contains("attn_k")) {
            return Q4_K;
        }
        if (nExpert >= 8 && name.contains("attn_q")) {
            return Q4_K;
        }
        if (name.contains("attn_qkv.weight")) {
            return m2 ? IQ3_XXS : IQ2_K;
        }
        if (name.contains("ffn_down")) {
            GgmlType r = iFfnDown < model.nLayer() / 8 ? (m2 ? IQ3_S : Q2_K) : type; // the counter, not the layer
            iFfnDown++;
            return r;
        }
        if (name.contains("attn_output.weight")) {
            if (opt(TypeOption.ATTN_OUTPUT) != null) {
                return opt(TypeOption.ATTN_OUTPUT);
            }
            if (nExpert >= 4) {
                return Q5_K;
            }
            if (is(MOSTLY_IQ1_S, MOSTLY_IQ1_M)) {
                return IQ2_K;
            }
            if (m2) {
                return IQ3_S;
            }
        }
        return type;
    }

    /** Branch G (the counter is advanced by the caller). */
    private GgmlType attnV(GgmlType type, int nGqa, int nExpert) {
        if (opt(TypeOption.ATTN_V) != null) {
            return opt(TypeOption.ATTN_V);
        }
        if (nExpert >= 4) {
            return Q8_0;
        }
        if (model.is70B() && model.nHead() != model.nHeadKv()) {
            return type == Q3_K || type == Q4_K ? Q5_K : type == IQ3_K ? IQ5_K : type;
        }
        switch (ftype) {
            case MOSTLY_Q2_K -> {
                return nGqa >= 4 ? Q4_K : Q3_K;
            }
            case MOSTLY_IQ2_K -> {
                return nGqa >= 2 ? IQ4_K : IQ3_K;
            }
            case MOSTLY_IQ2_K_R4 -> {
                return nGqa >= 2 ? IQ4_K_R4 : IQ3_K_R4;
            }
            case MOSTLY_IQ3_XXS -> {
                return nGqa >= 4 ? Q4_K : nGqa >= 2 ? IQ3_K : hasImatrix ? IQ3_XXS : IQ3_S;
            }
            case MOSTLY_IQ3_KT -> {
                return nGqa >= 4 ? IQ4_K : IQ3_K;
            }
            case MOSTLY_IQ4_KT -> {
                return nGqa >= 4 ? IQ5_K : IQ4_K;
            }
            case MOSTLY_IQ3_XXS_R4 -> {
                return nGqa >= 4 ? Q4_K_R4 : nGqa >= 2 ? IQ3_K_R4 : hasImatrix ? IQ3_XXS_R4 : IQ3_K_R4;
            }
            case MOSTLY_IQ3_KL, MOSTLY_IQ3_M -> {
                return nGqa >= 2 ? IQ5_K : IQ4_K;
            }
            case MOSTLY_Q3_K_M -> {
                return iAttentionWv < 2 ? Q5_K : Q4_K;
            }
            case MOSTLY_Q3_K_L -> {
                return Q5_K;
            }
            case MOSTLY_Q5_K_S -> {
                return bigVocab8Bor70B() ? Q6_K : type;
            }
            case MOSTLY_IQ5_K, MOSTLY_IQ5_KS -> {
                return bigVocab8Bor70B() ? IQ6_K : type;
            }
            default -> {
            }
        }
        if (is(MOSTLY_Q2_K_S) && nGqa >= 4) {
            return Q4_K;
        }
        if (is(MOSTLY_Q2_K_R4) && nGqa >= 4) {
            return Q4_K_R4;
        }
        if (nGqa >= 2) {
            if (is(MOSTLY_IQ3_XS, MOSTLY_IQ3_S, MOSTLY_IQ3_K)) {
                return IQ4_K;
            }
            if (is(MOSTLY_IQ3_S_R4, MOSTLY_IQ3_K_R4)) {
                return IQ4_K_R4;
            }
            if (is(MOSTLY_IQ3_KS, MOSTLY_IQ2_KL)) {
                return IQ4_KS;
            }
            if (G_IQ4_TO_IQ5.contains(ftype) || is(MOSTLY_IQ4_K, MOSTLY_IQ4_K_R4)) {
                return IQ5_K;
            }
            if (is(MOSTLY_IQ4_KS_R4)) {
                return IQ5_K_R4;
            }
        }
        if (is(MOSTLY_Q4_K_M, MOSTLY_Q5_K_M) && useMoreBits(iAttentionWv, model.nAttentionWv())) {
            return Q6_K;
        }
        if (is(MOSTLY_Q4_K_S, MOSTLY_Q4_K_R4) && iAttentionWv < 4) {
            return Q5_K;
        }
        if (nGqa >= 4) {
            return gqaBump(type);
        }
        return type;
    }

    /** Rule G32: one step up for strongly grouped attention. */
    private static GgmlType gqaBump(GgmlType type) {
        return switch (type) {
            case Q2_K, IQ3_XXS -> IQ3_S;
            case Q2_K_R4, IQ3_XXS_R4 -> IQ3_K_R4;
            case Q3_K, IQ3_S -> Q4_K;
            case IQ3_K -> IQ4_K;
            case IQ3_KS, IQ2_KL -> IQ4_KS;
            case IQ3_S_R4, Q3_K_R4 -> Q4_K_R4;
            case Q4_K, IQ4_XS, IQ4_NL, IQ4_NL_R4, IQ4_XS_R8 -> Q5_K;
            case IQ4_K, IQ4_KS -> IQ5_K;
            case Q5_K -> Q6_K;
            case IQ5_K, IQ5_KS -> IQ6_K;
            default -> type;
        };
    }

    /** Branch J; {@code i} is the layer (MoE) or the running ffn_down counter (dense). */
    private GgmlType ffnDown(GgmlType type, int i, int n, int nExpert) {
        boolean more = useMoreBits(i, n);
        boolean falcon = model.isFalcon();
        if (opt(TypeOption.FFN_DOWN) != null) {
            return opt(TypeOption.FFN_DOWN);
        }
        switch (ftype) {
            case MOSTLY_Q2_K -> {
                return Q3_K;
            }
            case MOSTLY_Q3_K_M -> {
                return i < n / 16 ? Q5_K : !falcon || more ? Q4_K : Q3_K;
            }
            case MOSTLY_Q3_K_L -> {
                return falcon ? Q4_K : Q5_K;
            }
            case MOSTLY_IQ3_KL -> {
                return more ? IQ4_KS : IQ3_K;
            }
            case MOSTLY_Q4_K_M -> {
                if (falcon) {
                    return i < n / 16 ? Q6_K : more ? Q5_K : Q4_K;
                }
                return more ? Q6_K : type;
            }
            default -> {
            }
        }
        if (is(MOSTLY_Q2_K_S) && i < n / 8) {
            return Q4_K;
        }
        if (is(MOSTLY_Q2_K_R4) && i < n / 8) {
            return Q4_K_R4;
        }
        if (!hasImatrix) {
            if (is(MOSTLY_IQ3_XXS)) {
                return i < n / 8 ? Q4_K : Q3_K;
            }
            if (is(MOSTLY_IQ3_KT)) {
                return i < n / 8 ? IQ4_K : IQ3_K;
            }
            if (is(MOSTLY_IQ3_XXS_R4)) {
                return i < n / 8 ? Q4_K_R4 : IQ3_K_R4;
            }
        }
        if (is(MOSTLY_IQ3_M) && (i < n / 8 || (nExpert >= 4 && more))) {
            return IQ4_K;
        }
        if (i < n / 8 && !hasImatrix && J_IQ4_NO_IMATRIX.contains(ftype)) {
            return Q5_K;
        }
        if (is(MOSTLY_IQ4_KS_R4) && i < n / 8 && !hasImatrix) {
            return Q5_K_R4;
        }
        if (is(MOSTLY_Q5_K_M) && more) {
            return Q6_K;
        }
        if (is(MOSTLY_Q4_K_S, MOSTLY_Q4_K_R4) && !falcon && i < n / 8) {
            return Q5_K;
        }
        if (hasImatrix && i < n / 8) {
            if (is(MOSTLY_Q4_0)) {
                return Q4_1;
            }
            if (is(MOSTLY_Q5_0)) {
                return Q5_1;
            }
            if (is(MOSTLY_Q4_0_R8)) {
                return IQ4_NL_R4;
            }
        }
        return type;
    }

    /** Branch K. */
    private GgmlType attnOutput(GgmlType type, int nGqa, int nExpert) {
        if (opt(TypeOption.ATTN_OUTPUT) != null) {
            return opt(TypeOption.ATTN_OUTPUT);
        }
        if (model.isFalcon()) {
            return is(MOSTLY_Q3_K_L) ? Q4_K : type;
        }
        if (nExpert >= 4) {
            if (K_MOE_Q5K.contains(ftype)) {
                return Q5_K;
            }
            return is(MOSTLY_IQ2_KL) ? IQ4_KS : type;
        }
        return switch (ftype) {
            case MOSTLY_Q2_K -> Q3_K;
            case MOSTLY_IQ3_XXS -> IQ3_S;
            case MOSTLY_IQ3_KT -> nGqa >= 4 ? IQ3_K : type;
            case MOSTLY_IQ3_XXS_R4 -> IQ3_K_R4;
            case MOSTLY_Q3_K_M -> Q4_K;
            case MOSTLY_Q3_K_L -> Q5_K;
            case MOSTLY_IQ3_M -> IQ4_K;
            case MOSTLY_IQ2_K -> IQ3_K;
            case MOSTLY_IQ2_K_R4 -> IQ3_K_R4;
            case MOSTLY_IQ3_KL -> IQ4_KS;
            default -> type;
        };
    }

    /** Branches M and N. */
    private GgmlType gateOrUp(GgmlType type, int i, GgmlType option) {
        int n = model.nLayer();
        if (option != null) {
            return option;
        }
        if (is(MOSTLY_IQ3_XS) && i >= n / 8 && i < 7 * n / 8) {
            return IQ3_XXS;
        }
        if (is(MOSTLY_IQ3_KL) && useMoreBits(i, n)) {
            return IQ4_KS;
        }
        return type;
    }

    /** layer_info: the layer from the name for MoE models, else the running counter. */
    private int layer(String name, int counter) {
        if (model.nExpert() <= 1) {
            return counter;
        }
        int l = ModelFacts.layerOf(name);
        if (l < 0 || l >= model.nLayer()) {
            throw new IllegalArgumentException("tensor '" + name + "': cannot determine its layer (expected blk.N. with N < "
                    + model.nLayer() + ")");
        }
        return l;
    }

    private boolean bigVocab8Bor70B() {
        return model.nVocab() >= 127999 && (model.is8B() || model.is70B());
    }

    /** First and last eighth of the layers plus every third one in between. */
    static boolean useMoreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }
}
