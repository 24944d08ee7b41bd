package io.quantarena.core.imatrix;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An importance matrix: entries by tensor name plus the provenance llama-quantize records
 * (spec/quantize-tool.md §6). Immutable.
 */
public final class Imatrix {

    private final Map<String, ImatrixEntry> entries;
    private final int chunkCount;
    private final String dataset;
    private final String source;

    /**
     * @param chunkCount chunks the matrix was computed on ({@code last_call}), 0 if unknown
     * @param dataset    the text file it was computed from, or null
     * @param source     the imatrix file it was read from (file name), or null
     * @throws IllegalArgumentException on duplicate entry names
     */
    public Imatrix(List<ImatrixEntry> entries, int chunkCount, String dataset, String source) {
        LinkedHashMap<String, ImatrixEntry> m = new LinkedHashMap<>();
        for (ImatrixEntry e : entries) {
            if (m.put(e.name(), e) != null) {
                throw new IllegalArgumentException("imatrix has two entries named '" + e.name() + "'");
            }
        }
        this.entries = Collections.unmodifiableMap(m);
        this.chunkCount = chunkCount;
        this.dataset = dataset;
        this.source = source;
    }

    public List<ImatrixEntry> entries() {
        return List.copyOf(entries.values());
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int chunkCount() {
        return chunkCount;
    }

    public Optional<String> dataset() {
        return Optional.ofNullable(dataset);
    }

    public Optional<String> source() {
        return Optional.ofNullable(source);
    }

    /** The entry with exactly this name. */
    public Optional<ImatrixEntry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /**
     * The entry llama-quantize uses for a weight tensor (spec/quantize-tool.md §5.1): the exact
     * name, else the names llama-imatrix records fused matmuls under (gate → up, gate/up experts
     * → gate_up or up experts, attn_v_b ↔ attn_kv_b).
     */
    public Optional<ImatrixEntry> lookup(String tensorName) {
        ImatrixEntry e = entries.get(tensorName);
        if (e != null) {
            return Optional.of(e);
        }
        for (String alt : alternativeNames(tensorName)) {
            e = entries.get(alt);
            if (e != null) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    static List<String> alternativeNames(String n) {
        List<String> alts = new ArrayList<>(2);
        if (n.endsWith("ffn_up_exps.weight") || n.endsWith("ffn_gate_exps.weight")) {
            String prefix = n.substring(0, n.lastIndexOf("ffn_"));
            alts.add(prefix + "ffn_gate_up_exps.weight");
            alts.add(prefix + "ffn_up_exps.weight");
        } else if (n.endsWith("ffn_gate_up_exps.weight")) {
            alts.add(n.substring(0, n.length() - "ffn_gate_up_exps.weight".length()) + "ffn_up_exps.weight");
        } else if (n.endsWith("ffn_gate.weight")) {
            alts.add(n.substring(0, n.length() - "ffn_gate.weight".length()) + "ffn_up.weight");
        } else if (n.endsWith(".attn_v_b.weight")) {
            alts.add(n.substring(0, n.length() - ".attn_v_b.weight".length()) + ".attn_kv_b.weight");
        } else if (n.endsWith(".attn_kv_b.weight")) {
            alts.add(n.substring(0, n.length() - ".attn_kv_b.weight".length()) + ".attn_v_b.weight");
        }
        return alts;
    }

    /**
     * llama-quantize's {@code --include-weights} / {@code --exclude-weights}: keep only the
     * entries whose name contains one of {@code include} (when not empty), then drop those
     * containing one of {@code exclude}. Substring tests, not patterns.
     *
     * @throws IllegalArgumentException when both lists are given (the tool refuses that too)
     */
    public Imatrix filtered(List<String> include, List<String> exclude) {
        if (!include.isEmpty() && !exclude.isEmpty()) {
            throw new IllegalArgumentException("--include-weights and --exclude-weights cannot be combined");
        }
        List<ImatrixEntry> kept = new ArrayList<>();
        for (ImatrixEntry e : entries.values()) {
            boolean in = include.isEmpty() || include.stream().anyMatch(e.name()::contains);
            boolean out = exclude.stream().anyMatch(e.name()::contains);
            if (in && !out) {
                kept.add(e);
            }
        }
        return new Imatrix(kept, chunkCount, dataset, source);
    }

    @Override
    public String toString() {
        return "Imatrix[" + entries.size() + " entries, " + chunkCount + " chunks" + (dataset == null ? "" : ", dataset " + dataset)
                + (source == null ? "" : ", from " + source) + "]";
    }
}
