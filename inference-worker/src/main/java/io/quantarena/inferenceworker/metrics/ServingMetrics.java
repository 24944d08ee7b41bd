package io.quantarena.inferenceworker.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Serving counters in the Prometheus text format: requests by endpoint and status, queue depth, busy
 * slots, and prompt / generation throughput (tokens over the time spent processing them).
 */
public final class ServingMetrics {

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder promptNanos = new LongAdder();
    private final LongAdder generatedTokens = new LongAdder();
    private final LongAdder generationNanos = new LongAdder();
    private final LongAdder decodeSteps = new LongAdder();
    private volatile IntSupplier queueDepth = () -> 0;
    private volatile IntSupplier activeSequences = () -> 0;
    private volatile IntSupplier modelsLoaded = () -> 0;

    /** Where the gauges come from (the model registry). */
    public void gauges(IntSupplier queueDepth, IntSupplier activeSequences, IntSupplier modelsLoaded) {
        this.queueDepth = queueDepth;
        this.activeSequences = activeSequences;
        this.modelsLoaded = modelsLoaded;
    }

    public void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
    }

    public void prompt(int tokens, long nanos) {
        promptTokens.add(tokens);
        promptNanos.add(nanos);
    }

    /** One decode step that produced {@code tokens} tokens (one per sequence) in {@code nanos}. */
    public void decodeStep(int tokens, long nanos) {
        generatedTokens.add(tokens);
        generationNanos.add(nanos);
        decodeSteps.increment();
    }

    public int queueDepth() {
        return queueDepth.getAsInt();
    }

    /** The exposition text. */
    public String scrape() {
        StringBuilder sb = new StringBuilder(1024);
        header(sb, "quantarena_requests_total", "counter", "OpenAI API requests by endpoint and HTTP status");
        Map<String, Long> sorted = new TreeMap<>();
        requests.forEach((k, v) -> sorted.put(k, v.sum()));
        sorted.forEach((k, v) -> {
            String[] parts = k.split("\u0000");
            sb.append("quantarena_requests_total{endpoint=\"").append(parts[0]).append("\",status=\"").append(parts[1])
                    .append("\"} ").append(v).append('\n');
        });
        gauge(sb, "quantarena_queue_depth", "requests waiting for a slot", queueDepth.getAsInt());
        gauge(sb, "quantarena_active_sequences", "sequences holding a slot", activeSequences.getAsInt());
        gauge(sb, "quantarena_models_loaded", "models in memory", modelsLoaded.getAsInt());
        counter(sb, "quantarena_prompt_tokens_total", "prompt tokens processed", promptTokens.sum());
        counter(sb, "quantarena_prompt_seconds_total", "time spent processing prompts", promptNanos.sum() / 1e9);
        counter(sb, "quantarena_generation_tokens_total", "tokens generated", generatedTokens.sum());
        counter(sb, "quantarena_generation_seconds_total", "time spent in decode steps", generationNanos.sum() / 1e9);
        counter(sb, "quantarena_decode_steps_total", "batched decode steps", decodeSteps.sum());
        gauge(sb, "quantarena_prompt_tokens_per_second", "prompt throughput since start",
                rate(promptTokens.sum(), promptNanos.sum()));
        gauge(sb, "quantarena_generation_tokens_per_second", "aggregate generation throughput since start",
                rate(generatedTokens.sum(), generationNanos.sum()));
        return sb.toString();
    }

    private static double rate(long tokens, long nanos) {
        return nanos == 0 ? 0 : tokens / (nanos / 1e9);
    }

    private static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, double value) {
        header(sb, name, "gauge", help);
        sb.append(name).append(' ').append(format(value)).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, double value) {
        header(sb, name, "counter", help);
        sb.append(name).append(' ').append(format(value)).append('\n');
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6f", v);
    }
}
