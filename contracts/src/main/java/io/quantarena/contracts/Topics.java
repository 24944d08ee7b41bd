package io.quantarena.contracts;

/** Kafka topic names. Keys are job ids (UTF-8 text of the UUID) so one job's messages stay ordered. */
public final class Topics {
    public static final String QUANTIZE_REQUESTS = "quantize.requests";
    public static final String EVALUATE_REQUESTS = "evaluate.requests";
    public static final String IMATRIX_REQUESTS = "imatrix.requests";
    public static final String SERVE_REQUESTS = "serve.requests";
    public static final String JOB_EVENTS = "job.events";
    /** Cancel requests; every worker instance reads all of them (no shared consumer group). */
    public static final String JOB_CONTROL = "job.control";

    private Topics() {
    }
}
