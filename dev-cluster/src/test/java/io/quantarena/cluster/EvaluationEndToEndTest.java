package io.quantarena.cluster;

import io.quantarena.contracts.EvaluateRequested;
import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.Topics;
import io.quantarena.evalworker.BaseLogitsCache;
import io.quantarena.testinfra.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Evaluations end to end on the shared cluster: evaluate jobs through the gateway, the eval-worker
 * running core's perplexity and KL-divergence on the tiny models (two chunks, to stay fast), results
 * with provenance in PostgreSQL and on the leaderboard, base log-probabilities computed once, and
 * community uploads checked, stored and evaluated.
 */
class EvaluationEndToEndTest {

    private static final Duration EVAL_TIMEOUT = Duration.ofSeconds(240);
    /** expected.json: sha256 of data/wiki.test.raw and tiny-llama's running perplexity after 2 chunks. */
    private static final String WIKI_SHA256 = "696cca6b65a171b0a358a4be6732cdfdf2dd6164a32e20fd70e3c13fc4dfae83";
    private static final double TINY_LLAMA_PPL_2_CHUNKS = 75.5666;

    private static TestCluster shared;
    private static ClusterApi api;

    @BeforeAll
    static void cluster() {
        shared = TestCluster.get();
        api = new ClusterApi(shared.gateway(), shared.db);
        ClusterApi.waitFor(() -> api.get("/api/models").findValuesAsString("name").containsAll(List.of("tiny-llama", "tiny-llama4")),
                Duration.ofSeconds(60), "the tiny models registered");
    }

    @Test
    void aQuantIsEvaluatedWithKlDivergenceLiveAndLandsOnTheLeaderboardWithItsProvenance() throws Exception {
        UUID quantize = api.submit("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q4_0\"}");
        api.awaitStatus(quantize, "SUCCEEDED", EVAL_TIMEOUT);
        long quantId = (Long) api.queryOne("SELECT id FROM quants WHERE job_id = ?", quantize).get("id");

        UUID id = api.submit("/api/jobs/evaluate", "{\"quant\":" + quantId + ",\"chunks\":2,\"kl_divergence\":true}");
        JsonNode done = api.awaitStatus(id, "SUCCEEDED", EVAL_TIMEOUT);

        assertThat(done.get("type").asString()).isEqualTo("EVALUATE");
        assertThat(done.get("model").asString()).isEqualTo("tiny-llama");
        // live progress: every PROGRESS of the KL-divergence pass carries the chunk count and running numbers
        List<JsonNode> progress = new ArrayList<>();
        for (JsonNode e : api.get("/api/jobs/" + id + "/events")) {
            if (e.get("type").asString().equals("PROGRESS") && e.get("stage").asString().equals("kl-divergence")) {
                progress.add(e);
            }
        }
        assertThat(progress).extracting(e -> e.get("metrics").get("done").asInt() + "/" + e.get("metrics").get("total").asInt())
                .containsExactly("1/2", "2/2");
        assertThat(progress.getLast().get("metrics").get("runningPpl").asDouble()).isBetween(50.0, 150.0);
        assertThat(progress.getLast().get("metrics").get("runningKld").asDouble()).isPositive();
        assertThat(progress.getLast().get("message").asString()).contains("chunk 2/2").contains("PPL");
        String jobPage = api.page("/jobs/" + id);
        assertThat(jobPage).contains("2 / 2").contains(String.format(java.util.Locale.ROOT, "%.4f",
                progress.getLast().get("metrics").get("runningPpl").asDouble()));

        // the stored evaluation and its provenance
        Map<String, Object> e = api.queryOne("""
                SELECT e.*, a.path AS base_path, a.bytes AS base_bytes, a.kind AS base_kind, a.sha256 AS base_sha
                FROM evaluations e JOIN artifacts a ON a.id = e.base_logits_artifact_id WHERE e.job_id = ?""", id);
        assertThat(e.get("quant_id")).isEqualTo(quantId);
        assertThat(e.get("dataset")).isEqualTo("wiki.test.raw");
        assertThat(e.get("dataset_sha256")).isEqualTo(WIKI_SHA256);
        assertThat(e.get("n_ctx")).isEqualTo(512);
        assertThat(e.get("chunks")).isEqualTo(2);
        assertThat(e.get("tokens_scored")).isEqualTo(510L);
        assertThat(e.get("expert_used_count")).isNull();
        assertThat(e.get("kl_divergence")).isEqualTo(true);
        assertThat((String) e.get("tool_version")).startsWith("quantarena");
        assertThat((Double) e.get("ppl")).isBetween(60.0, 120.0);
        assertThat((Double) e.get("ppl_base")).isCloseTo(TINY_LLAMA_PPL_2_CHUNKS, within(TINY_LLAMA_PPL_2_CHUNKS * 0.002));
        assertThat((Double) e.get("kld_mean")).isBetween(1e-4, 0.5);
        assertThat((Double) e.get("kld_median")).isLessThan((Double) e.get("kld_p99"));
        assertThat((Double) e.get("same_top_p")).isBetween(0.5, 1.0);
        assertThat((Double) e.get("delta_p_rms")).isPositive();
        assertThat((Double) e.get("tokens_per_second")).isPositive();
        assertThat(e.get("kld_report").toString()).contains("kldP99_9");
        assertThat(e.get("base_kind")).isEqualTo("base-logits");
        Path baseFile = shared.store.resolve((String) e.get("base_path"));
        assertThat(baseFile).isRegularFile();
        assertThat(Files.size(baseFile)).isEqualTo(e.get("base_bytes"));
        System.out.printf("evaluation of tiny-llama-Q4_0 (KLD, 2 chunks of 512): %.0f tokens/s%n", (Double) e.get("tokens_per_second"));

        // the leaderboard row
        JsonNode row = row(api.get("/api/leaderboard?model=tiny-llama").get(0).get("quants"), r -> r.get("id").asLong() == quantId
                && !r.get("evaluation").isNull());
        assertThat(row.get("origin").asString()).isEqualTo("produced");
        JsonNode ev = row.get("evaluation");
        assertThat(ev.get("kldMean").asDouble()).isEqualTo((Double) e.get("kld_mean"));
        assertThat(ev.get("meanLnRatio").isNull()).isFalse();
        assertThat(ev.get("settings").asString()).isEqualTo("wiki.test.raw · n_ctx 512 · 2 chunks · KLD");
        assertThat(row.get("sizeGB").asDouble()).isEqualTo(row.get("sizeBytes").asLong() / 1e9, within(1e-12));
    }

    @Test
    void theBaseModelsPerplexityIsTheReferencesAndAnExpertCountOverrideIsRecorded() {
        UUID llama = api.submit("/api/jobs/evaluate", "{\"model\":\"tiny-llama\",\"chunks\":2}");
        UUID llama4 = api.submit("/api/jobs/evaluate", "{\"model\":\"tiny-llama4\",\"n_ctx\":128,\"chunks\":2,\"expert_used_count\":1}");
        UUID dense = api.submit("/api/jobs/evaluate", "{\"model\":\"tiny-llama\",\"n_ctx\":128,\"chunks\":1,\"expert_used_count\":2}");

        api.awaitStatus(llama, "SUCCEEDED", EVAL_TIMEOUT);
        api.awaitStatus(llama4, "SUCCEEDED", EVAL_TIMEOUT);
        JsonNode failed = api.awaitStatus(dense, "FAILED", EVAL_TIMEOUT);

        Map<String, Object> base = api.queryOne("SELECT * FROM evaluations WHERE job_id = ?", llama);
        assertThat(base.get("quant_id")).isNull();
        assertThat(base.get("kl_divergence")).isEqualTo(false);
        assertThat((Double) base.get("ppl")).isCloseTo(TINY_LLAMA_PPL_2_CHUNKS, within(TINY_LLAMA_PPL_2_CHUNKS * 0.002));
        assertThat((Double) base.get("ppl_error")).isPositive();
        assertThat(api.queryOne("SELECT * FROM evaluations WHERE job_id = ?", llama4).get("expert_used_count")).isEqualTo(1);
        assertThat(failed.get("error").asString()).contains("llama.expert_used_count").contains("no experts");

        JsonNode reference = api.get("/api/leaderboard?model=tiny-llama").get(0).get("reference");
        JsonNode refRow = row(reference, r -> !r.get("evaluation").isNull() && r.get("evaluation").get("jobId").asString().equals(llama.toString()));
        assertThat(refRow.get("origin").asString()).isEqualTo("base");
        assertThat(refRow.get("name").asString()).isEqualTo("tiny-llama-BF16");
        assertThat(refRow.get("bitsPerWeight").asDouble()).isCloseTo(16.008, within(0.001)); // expected.json
    }

    @Test
    void twoConcurrentKlDivergenceEvaluationsComputeTheBaseLogitsOnce() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()))) {
            int partitions = admin.describeTopics(List.of(Topics.EVALUATE_REQUESTS)).allTopicNames().get()
                    .get(Topics.EVALUATE_REQUESTS).partitions().size();
            assertThat(partitions).as("evaluate.requests partitions (eval-worker concurrency 2)").isGreaterThanOrEqualTo(2);
        }
        BaseLogitsCache cache = shared.cluster.context(ServiceKind.EVAL_WORKER).getBean(BaseLogitsCache.class);
        long computedBefore = cache.computations();
        Map<String, Object> model = api.queryOne("SELECT id, file_name, sha256 FROM models WHERE name = 'tiny-llama'");
        // settings no other test uses, so that no base file exists yet; one request on each partition = each consumer thread
        List<UUID> jobs = List.of(UUID.randomUUID(), UUID.randomUUID());
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < jobs.size(); i++) {
                UUID job = jobs.get(i);
                api.execute("INSERT INTO jobs (id, type, status, model_id, request) VALUES (?, 'EVALUATE', 'QUEUED', ?, "
                        + "'{\"model\":\"tiny-llama\",\"quant\":null}'::jsonb)", job, model.get("id"));
                EvaluateRequested request = new EvaluateRequested(job, "tiny-llama", (String) model.get("file_name"),
                        (String) model.get("sha256"), null, "wiki.test.raw", 256, 2, true, null);
                producer.send(new ProducerRecord<>(Topics.EVALUATE_REQUESTS, i, MessageCodec.key(job), MessageCodec.encode(request))).get();
            }
        }

        for (UUID job : jobs) {
            api.awaitStatus(job, "SUCCEEDED", EVAL_TIMEOUT);
        }

        assertThat(cache.computations() - computedBefore).isEqualTo(1);
        List<Map<String, Object>> rows = api.query("SELECT base_logits_artifact_id FROM evaluations WHERE job_id IN (?, ?)",
                jobs.get(0), jobs.get(1));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("base_logits_artifact_id")).isNotNull().isEqualTo(rows.get(1).get("base_logits_artifact_id"));
        List<String> stages = new ArrayList<>();
        for (UUID job : jobs) {
            stages.add(String.join(",", api.get("/api/jobs/" + job + "/events").findValuesAsString("stage")));
        }
        // one computed the file (its base-logits progress), the other waited for it, then both measured against it
        assertThat(stages).filteredOn(s -> s.contains("base-logits,")).hasSize(1);
        assertThat(stages).filteredOn(s -> s.contains("base-logits-wait")).hasSize(1);
        assertThat(stages).allMatch(s -> s.contains("kl-divergence"));
        Map<String, Object> times = api.queryOne("SELECT max(started_at) < min(finished_at) AS overlapped "
                + "FROM jobs WHERE id IN (?, ?)", jobs.get(0), jobs.get(1));
        assertThat(times.get("overlapped")).as("the two evaluations ran at the same time").isEqualTo(true);
    }

    @Test
    void communityQuantsAreCheckedAgainstTheBaseModelStoredAndEvaluated() throws Exception {
        Path assets = TestCluster.sharedDir();

        HttpResponse<String> wrongModel = upload("tiny-llama", assets.resolve("reference/quants/tiny-llama4-Q4_K_M.gguf"), "bob", "Q4_K_M", Map.of());
        assertThat(wrongModel.statusCode()).as(wrongModel.body()).isEqualTo(422);
        assertThat(ClusterApi.JSON.readTree(wrongModel.body()).get("detail").asString())
                .isEqualTo("not a quant of tiny-llama: architecture is 'llama4', the base model's is 'llama'");

        HttpResponse<String> tooLarge = upload("tiny-llama4", assets.resolve("models/tiny-llama4-bf16.gguf"), "bob", "copy", Map.of());
        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
        assertThat(ClusterApi.JSON.readTree(tooLarge.body()).get("detail").asString()).contains("limit is " + TestCluster.UPLOAD_LIMIT_BYTES);
        // job-service keeps its own limit for callers that bypass the gateway
        HttpResponse<String> direct = api.sendOnNewConnection(uploadRequest(shared.cluster.url(ServiceKind.JOB_SERVICE), "tiny-llama4",
                        assets.resolve("models/tiny-llama4-bf16.gguf"), "bob", "copy", Map.of()).expectContinue(false));
        assertThat(direct.statusCode()).as(direct.body()).isEqualTo(413);
        assertThat(direct.body()).contains("limit");
        assertThat(api.count("SELECT count(*) FROM quants WHERE origin = 'community' AND author = 'bob'")).isZero();

        HttpResponse<String> created = upload("tiny-llama", assets.resolve("reference/quants/tiny-llama-Q8_0.gguf"), "alice",
                "llama-quantize tiny-llama-bf16.gguf Q8_0 (ik_llama.cpp)", Map.of("chunks", "2", "name", "alice-Q8_0"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = ClusterApi.JSON.readTree(created.body());
        long quantId = body.get("quant").get("id").asLong();
        assertThat(created.headers().firstValue("Location")).contains("/api/quants/" + quantId);
        assertThat(body.get("quant").get("origin").asString()).isEqualTo("community");
        assertThat(body.get("quant").get("author").asString()).isEqualTo("alice");
        assertThat(body.get("quant").get("ftype").asString()).isEqualTo("Q8_0");
        Path stored = shared.store.resolve(body.get("quant").get("artifactPath").asString());
        assertThat(stored).isRegularFile().hasSameBinaryContentAs(assets.resolve("reference/quants/tiny-llama-Q8_0.gguf"));
        assertThat(shared.store.resolve("community/.tmp")).isEmptyDirectory();

        UUID evaluation = UUID.fromString(body.get("evaluation").get("id").asString());
        api.awaitStatus(evaluation, "SUCCEEDED", EVAL_TIMEOUT);
        JsonNode row = row(api.get("/api/leaderboard?model=tiny-llama").get(0).get("quants"),
                r -> r.get("id").asLong() == quantId);
        assertThat(row.get("name").asString()).isEqualTo("alice-Q8_0");
        assertThat(row.get("recipe").asString()).isEqualTo("llama-quantize tiny-llama-bf16.gguf Q8_0 (ik_llama.cpp)");
        assertThat(row.get("bitsPerWeight").asDouble()).isBetween(8.0, 9.0);
        assertThat(row.get("evaluation").get("kldMean").asDouble()).isBetween(1e-6, 0.01);
        assertThat(row.get("evaluation").get("chunks").asInt()).isEqualTo(2);

        HttpResponse<String> again = upload("tiny-llama", assets.resolve("reference/quants/tiny-llama-Q8_0.gguf"), "carol", "same", Map.of());
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(ClusterApi.JSON.readTree(again.body()).get("quant").asLong()).isEqualTo(quantId);

        // a file already in the store, registered by name, without an evaluation
        Path inStore = shared.store.resolve("incoming/iq4_ks.gguf");
        Files.createDirectories(inStore.getParent());
        Files.copy(assets.resolve("reference/quants/tiny-llama4-ik-iq4_ks.gguf"), inStore);
        HttpResponse<String> byName = api.postJson("/api/models/tiny-llama4/quants",
                "{\"store_path\":\"incoming/iq4_ks.gguf\",\"author\":\"dave\",\"recipe\":\"IQ4_KS with imatrix\",\"evaluate\":false}");
        assertThat(byName.statusCode()).as(byName.body()).isEqualTo(201);
        JsonNode registered = ClusterApi.JSON.readTree(byName.body());
        assertThat(registered.get("evaluation").isNull()).isTrue();
        assertThat(registered.get("quant").get("artifactPath").asString()).isEqualTo("incoming/iq4_ks.gguf");
        assertThat(registered.get("quant").get("name").asString()).isEqualTo("iq4_ks");
        HttpResponse<String> outside = api.postJson("/api/models/tiny-llama4/quants",
                "{\"store_path\":\"../secret.gguf\",\"author\":\"eve\",\"recipe\":\"x\"}");
        assertThat(outside.statusCode()).isEqualTo(400);
        assertThat(ClusterApi.JSON.readTree(outside.body()).get("field").asString()).isEqualTo("store_path");
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static JsonNode row(JsonNode rows, java.util.function.Predicate<JsonNode> match) {
        for (JsonNode r : rows) {
            if (match.test(r)) {
                return r;
            }
        }
        throw new AssertionError("no matching row in " + rows);
    }

    private static HttpResponse<String> upload(String model, Path file, String author, String recipe, Map<String, String> more) {
        return api.sendOnNewConnection(uploadRequest(shared.gateway(), model, file, author, recipe, more));
    }

    /** A streamed multipart/form-data upload; Expect: 100-continue, so a refused body is never sent. */
    static HttpRequest.Builder uploadRequest(String base, String model, Path file, String author, String recipe,
                                             Map<String, String> more) {
        String boundary = "----quantarena" + UUID.randomUUID();
        StringBuilder fields = new StringBuilder();
        Map<String, String> all = new java.util.LinkedHashMap<>(more);
        all.put("author", author);
        all.put("recipe", recipe);
        all.forEach((k, v) -> fields.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(k).append("\"\r\n\r\n").append(v).append("\r\n"));
        String head = fields + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        try {
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                    HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
            return HttpRequest.newBuilder(URI.create(base + "/api/models/" + model + "/quants")).expectContinue(true)
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body);
        } catch (java.io.FileNotFoundException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
