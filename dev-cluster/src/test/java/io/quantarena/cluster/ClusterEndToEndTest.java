package io.quantarena.cluster;

import io.quantarena.contracts.CancelledJobs;
import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.QuantRecipe;
import io.quantarena.contracts.QuantizeRequested;
import io.quantarena.contracts.Topics;
import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixFiles;
import io.quantarena.core.recipe.ModelQuantizer;
import io.quantarena.core.recipe.PlannedTensor;
import io.quantarena.core.recipe.QuantPlan;
import io.quantarena.core.recipe.Recipe;
import io.quantarena.core.tensor.GgmlType;
import io.quantarena.testinfra.PostgresEndpoint;
import io.quantarena.testinfra.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole platform in one JVM (the launcher behind {@code ./quantarena up}) on real HTTP, real Kafka
 * and real PostgreSQL, driven only through the gateway, with core really quantizing tiny-llama. The
 * cluster is {@link TestCluster}'s, shared with the other end-to-end tests.
 */
class ClusterEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    private static Path store;
    private static PostgresEndpoint db;
    private static LocalCluster cluster;
    private static String gateway;

    @BeforeAll
    static void startCluster() {
        TestCluster shared = TestCluster.get();
        db = shared.db;
        store = shared.store;
        cluster = shared.cluster;
        gateway = shared.gateway();
        waitFor(() -> get("/api/models").findValuesAsString("name").contains("tiny-llama"), Duration.ofSeconds(60),
                "tiny-llama registered");
    }

    @AfterEach
    void disarmFaults() {
        FaultInjection.disarm();
    }

    static Path sharedModels() {
        return TestCluster.sharedModels();
    }

    @Test
    void tinyLlamaIsQuantizedToQ8_0AndReachesTheLeaderboard() throws Exception {
        String key = "e2e-" + UUID.randomUUID();
        HttpResponse<String> accepted = post("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\"}", key);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode queued = JSON.readTree(accepted.body());
        UUID id = UUID.fromString(queued.get("id").asString());
        assertThat(queued.get("status").asString()).isEqualTo("QUEUED");
        assertThat(accepted.headers().firstValue("Location")).contains("/api/jobs/" + id);

        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(done.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(done.get("startedAt").isNull()).isFalse();
        HttpResponse<String> replay = post("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\"}", key);
        assertThat(JSON.readTree(replay.body()).get("id").asString()).isEqualTo(id.toString());

        // the events: STARTED, PROGRESS with rising fractions up to 1, SUCCEEDED; all applied
        List<String> types = new ArrayList<>();
        List<Double> fractions = new ArrayList<>();
        for (JsonNode e : get("/api/jobs/" + id + "/events")) {
            types.add(e.get("type").asString());
            assertThat(e.get("applied").asBoolean()).isTrue();
            if (e.get("type").asString().equals("PROGRESS")) {
                fractions.add(e.get("fraction").asDouble());
            }
        }
        assertThat(types.getFirst()).isEqualTo("STARTED");
        assertThat(types.getLast()).isEqualTo("SUCCEEDED");
        assertThat(types.subList(1, types.size() - 1)).isNotEmpty().allMatch("PROGRESS"::equals);
        assertThat(fractions).isSorted().last().isEqualTo(1.0);

        // the stored quant row and its artifact
        Map<String, Object> quant = queryOne("""
                SELECT q.name, q.ftype, q.size_bytes, q.bits_per_weight, q.tensor_types::text AS tensor_types, q.origin,
                       a.path, a.bytes, a.sha256 FROM quants q JOIN artifacts a ON a.id = q.artifact_id WHERE q.job_id = ?""", id);
        assertThat(quant.get("name")).isEqualTo("tiny-llama-Q8_0");
        assertThat(quant.get("ftype")).isEqualTo("Q8_0");
        assertThat(quant.get("origin")).isEqualTo("produced");
        Path output = store.resolve((String) quant.get("path"));
        assertThat(output).isRegularFile();
        assertThat(quant.get("size_bytes")).isEqualTo(Files.size(output));
        assertThat(quant.get("bytes")).isEqualTo(Files.size(output));
        assertThat(quant.get("sha256")).isEqualTo(sha256(output));
        assertThat((Double) quant.get("bits_per_weight")).isBetween(8.0, 9.0);
        assertThat(tempFiles()).isEmpty();

        // the output re-opens as GGUF: matrices Q8_0, 1-D tensors F32, the same tensors as the input
        Map<String, String> storedTypes = new LinkedHashMap<>();
        JSON.readTree((String) quant.get("tensor_types")).properties().forEach(e -> storedTypes.put(e.getKey(), e.getValue().asString()));
        try (GgufFile in = GgufFile.open(sharedModels().resolve("tiny-llama-bf16.gguf"));
             GgufFile out = GgufFile.open(output)) {
            assertThat(out.tensors()).extracting(GgufTensorInfo::name)
                    .containsExactlyElementsOf(in.tensors().stream().map(GgufTensorInfo::name).toList());
            assertThat(out.metadata().getString("general.architecture")).isEqualTo("llama");
            assertThat(out.metadata().getLong("general.file_type")).isEqualTo(7);
            int matrices = 0;
            for (GgufTensorInfo t : out.tensors()) {
                if (t.significantDims() == 1) {
                    assertThat(t.type()).as(t.name()).isEqualTo(GgmlType.F32);
                } else {
                    assertThat(t.type()).as(t.name()).isEqualTo(GgmlType.Q8_0);
                    matrices++;
                }
                assertThat(storedTypes.get(t.name())).as(t.name()).isEqualTo(t.type().typeName());
            }
            assertThat(matrices).isPositive();
            assertThat(storedTypes).hasSize(out.tensors().size());
        }

        // the leaderboard, as API and as page, through the gateway
        JsonNode board = get("/api/leaderboard?model=tiny-llama").get(0);
        assertThat(board.get("quants").findValuesAsString("name")).contains("tiny-llama-Q8_0");
        String page = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(page).contains("tiny-llama-Q8_0").contains(id.toString());
    }

    @Test
    void aQ4_K_MJobGetsLlamaQuantizesMixtureAndShowsItsTensorTable() throws Exception {
        UUID id = submit("{\"model\":\"tiny-llama\",\"ftype\":\"Q4_K_M\"}");
        JsonNode done = awaitStatus(id, "SUCCEEDED");

        Path base = sharedModels().resolve("tiny-llama-bf16.gguf");
        QuantPlan plan = ModelQuantizer.plan(base, Recipe.of("Q4_K_M"), null);
        JsonNode quant = get("/api/quants/" + done.get("quantId").asLong());
        assertThat(quant.get("ftype").asString()).isEqualTo("Q4_K_M");
        assertThat(quant.get("recipe").asString()).isEqualTo("Q4_K_M");
        assertThat(quant.get("imatrix").isNull()).isTrue();
        Map<String, String> served = new LinkedHashMap<>();
        for (JsonNode t : quant.get("tensors")) {
            served.put(t.get("name").asString(), t.get("type").asString());
            PlannedTensor p = plan.tensor(t.get("name").asString());
            assertThat(t.get("bytes").asLong()).as(p.name()).isEqualTo(p.bytes());
            assertThat(t.get("shape").get(0).asLong()).as(p.name()).isEqualTo(p.source().ne(0));
        }
        Map<String, String> planned = new LinkedHashMap<>();
        plan.types().forEach((name, type) -> planned.put(name, type.typeName()));
        assertThat(served).containsExactlyEntriesOf(planned);
        assertThat(planned.values()).contains("q4_K", "q6_K"); // the mixture, not a uniform type
        assertThat(quant.get("bitsPerWeight").asDouble()).isCloseTo(plan.bitsPerWeight(), org.assertj.core.data.Offset.offset(1e-9));
        try (GgufFile out = GgufFile.open(store.resolve(quant.get("artifactPath").asString()))) {
            for (GgufTensorInfo t : out.tensors()) {
                assertThat(t.type().typeName()).as(t.name()).isEqualTo(planned.get(t.name()));
            }
            assertThat(out.metadata().getLong("general.file_type")).isEqualTo(15);
            assertThat(out.metadata().getString("quantize.recipe")).isEqualTo("Q4_K_M");
        }

        // PROGRESS events name the tensor just written and the bytes so far, the last one is the whole file
        List<JsonNode> progress = new ArrayList<>();
        get("/api/jobs/" + id + "/events").forEach(e -> {
            if (e.get("type").asString().equals("PROGRESS")) {
                progress.add(e);
            }
        });
        assertThat(progress).isNotEmpty().allSatisfy(e -> assertThat(e.get("detail").get("current").asString()).isIn(planned.keySet()));
        JsonNode last = progress.getLast().get("detail");
        assertThat(last.get("done").asInt()).isEqualTo(last.get("total").asInt()).isEqualTo(planned.size());
        assertThat(last.get("bytesWritten").asLong()).isEqualTo(quant.get("sizeBytes").asLong());
    }

    @Test
    void anImatrixJobComputesTheMatrixAndAnIQuantRuleUsesIt() throws Exception {
        UUID imatrixJob = submitTo("/api/jobs/imatrix", "{\"model\":\"tiny-llama\",\"dataset\":\"calibration.txt\",\"n_ctx\":128,\"chunks\":3}");
        JsonNode done = awaitStatus(imatrixJob, "SUCCEEDED");
        long artifactId = done.get("imatrixArtifactId").asLong();
        JsonNode listed = null;
        for (JsonNode i : get("/api/imatrices?model=tiny-llama")) {
            if (i.get("artifactId").asLong() == artifactId) {
                listed = i;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("chunks").asInt()).isEqualTo(3);
        assertThat(listed.get("entries").asInt()).isEqualTo(42);
        assertThat(listed.get("perplexity").asDouble()).isPositive();
        Imatrix im = ImatrixFiles.read(store.resolve(listed.get("path").asString()));
        assertThat(im.entries()).allSatisfy(e -> assertThat(e.ncall()).isEqualTo(3));
        assertThat(get("/api/jobs/" + imatrixJob + "/events").findValuesAsString("type")).contains("PROGRESS");

        HttpResponse<String> refused = post("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\",\"custom_q\":\"ffn_down=iq2_xxs\"}", null);
        assertProblem(refused, 400, "custom_q");
        UUID quantJob = submit("{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\",\"custom_q\":\"ffn_down=iq2_xxs\",\"imatrix\":" + artifactId + "}");
        JsonNode quant = get("/api/quants/" + awaitStatus(quantJob, "SUCCEEDED").get("quantId").asLong());
        assertThat(quant.get("imatrix").get("artifactId").asLong()).isEqualTo(artifactId);
        assertThat(quant.get("imatrix").get("dataset").asString()).isEqualTo("calibration.txt");
        assertThat(quant.get("name").asString()).isEqualTo("tiny-llama-Q8_0-custom-imat");
        for (JsonNode t : quant.get("tensors")) {
            if (t.get("name").asString().endsWith("ffn_down.weight")) {
                assertThat(t.get("type").asString()).as(t.get("name").asString()).isEqualTo("iq2_xxs");
            }
        }
        try (GgufFile out = GgufFile.open(store.resolve(quant.get("artifactPath").asString()))) {
            assertThat(out.metadata().getString("quantize.imatrix.file")).isEqualTo(Path.of(listed.get("path").asString()).getFileName().toString());
        }
    }

    @Test
    void aWorkerThatThrowsMidJobLeavesTheJobFailedWithTheMessage() throws Exception {
        FaultInjection.crashNextJob();
        UUID id = submit("tiny-llama", "Q8_0");

        JsonNode failed = awaitStatus(id, "FAILED");

        assertThat(failed.get("error").asString()).contains("simulated worker crash after tensor");
        List<String> types = get("/api/jobs/" + id + "/events").findValuesAsString("type");
        assertThat(types.getFirst()).isEqualTo("STARTED");
        assertThat(types.getLast()).isEqualTo("FAILED");
        assertThat(count("SELECT count(*) FROM quants WHERE job_id = ?", id)).isZero();
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void aRedeliveredRequestReusesOrReplacesTheArtifactAndAddsNoRows() throws Exception {
        UUID id = submit("tiny-llama", "F16");
        awaitStatus(id, "SUCCEEDED");
        long eventsBefore = count("SELECT count(*) FROM job_events WHERE job_id = ?", id);
        String path = (String) queryOne("SELECT a.path FROM quants q JOIN artifacts a ON a.id = q.artifact_id WHERE q.job_id = ?", id)
                .get("path");
        Path artifact = store.resolve(path);
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(artifact);
        long artifactsBefore = count("SELECT count(*) FROM artifacts");

        // redelivered while the worker's record of the job and the artifact are intact: the artifact is reused
        redeliver(new QuantizeRequested(id, "tiny-llama", "tiny-llama-bf16.gguf", QuantRecipe.of("F16"), null));
        waitFor(() -> count("SELECT count(*) FROM job_events WHERE job_id = ? AND type = 'SUCCEEDED'", id) == 2,
                JOB_TIMEOUT, "the redelivered request to be worked off");
        assertThat(Files.getLastModifiedTime(artifact)).isEqualTo(written);

        // without the record the work is redone and the same content-addressed file replaced
        Files.delete(store.resolve(".jobs/" + id + ".json"));
        redeliver(new QuantizeRequested(id, "tiny-llama", "tiny-llama-bf16.gguf", QuantRecipe.of("F16"), null));
        waitFor(() -> count("SELECT count(*) FROM job_events WHERE job_id = ? AND type = 'SUCCEEDED'", id) == 3,
                JOB_TIMEOUT, "the second redelivery to be worked off");

        assertThat(store.resolve(".jobs/" + id + ".json")).exists();
        assertThat(artifact).exists();
        assertThat(count("SELECT count(*) FROM quants WHERE job_id = ?", id)).isOne();
        assertThat(count("SELECT count(*) FROM artifacts")).isEqualTo(artifactsBefore);
        assertThat(count("SELECT count(*) FROM job_events WHERE job_id = ? AND NOT applied", id))
                .isEqualTo(count("SELECT count(*) FROM job_events WHERE job_id = ?", id) - eventsBefore);
        assertThat(get("/api/jobs/" + id).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(tempFiles()).isEmpty();
    }

    private static void redeliver(QuantizeRequested request) throws Exception {
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.QUANTIZE_REQUESTS, MessageCodec.key(request.jobId()),
                    MessageCodec.encode(request))).get();
        }
    }

    @Test
    void cancellingARunningJobStopsTheWorkerBetweenTensors() throws Exception {
        CountDownLatch held = FaultInjection.pauseNextJob();
        UUID id = submit("tiny-llama", "Q8_0");
        assertThat(held.await(60, TimeUnit.SECONDS)).as("job reached its first tensor").isTrue();

        HttpResponse<String> cancel = send(HttpRequest.newBuilder(URI.create(gateway + "/api/jobs/" + id)).DELETE());
        assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        assertThat(JSON.readTree(cancel.body()).get("status").asString()).isEqualTo("CANCELLED");
        CancelledJobs registry = cluster.context(ServiceKind.QUANT_WORKER).getBean(CancelledJobs.class);
        waitFor(() -> registry.isCancelled(id), Duration.ofSeconds(30), "the worker to hear of the cancel");
        FaultInjection.releasePausedJob();

        waitFor(() -> count("SELECT count(*) FROM job_events WHERE job_id = ? AND type = 'CANCELLED'", id) == 1,
                JOB_TIMEOUT, "the worker to stop");
        assertThat(get("/api/jobs/" + id).get("status").asString()).isEqualTo("CANCELLED");
        assertThat(count("SELECT count(*) FROM quants WHERE job_id = ?", id)).isZero();
        assertThat(count("SELECT count(*) FROM job_events WHERE job_id = ? AND type = 'SUCCEEDED'", id)).isZero();
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void badRequestsGetAClear4xxAndWriteNothing() throws Exception {
        long jobs = count("SELECT count(*) FROM jobs");
        long outbox = count("SELECT count(*) FROM outbox");

        assertProblem(post("/api/jobs/quantize", "{\"ftype\":\"Q8_0\"}", null), 400, "model");
        assertProblem(post("/api/jobs/quantize", "{\"model\":\"tiny-llama\"}", null), 400, "ftype");
        assertProblem(post("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q3_XL\"}", null), 400, "ftype");
        assertRule(post("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q4_K_M\",\"custom_q\":\"attn_v=q8_0,(ffn=q4_K\"}", null),
                "custom_q", "(ffn=q4_K", "invalid regex");
        assertRule(post("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q4_K_M\",\"custom_q\":\"ffn=q5_Q\"}", null),
                "custom_q", "ffn=q5_Q", "unknown type 'q5_Q'");
        assertRule(post("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q4_K_M\",\"custom_q\":\"attn_q=iq1_s\"}", null),
                "custom_q", "attn_q=iq1_s", "needs an importance matrix");
        assertRule(post("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"IQ1_M\"}", null),
                "ftype", "IQ1_M", "needs an importance matrix");
        HttpResponse<String> unknownModel = post("/api/jobs/quantize", "{\"model\":\"gpt-17\",\"ftype\":\"Q8_0\"}", null);
        assertThat(unknownModel.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownModel.body()).get("detail").asString()).contains("gpt-17");
        String huge = "{\"model\":\"" + "x".repeat(100_000) + "\",\"ftype\":\"Q8_0\"}";
        HttpResponse<String> oversized = post("/api/jobs/quantize", huge, null);
        assertThat(oversized.statusCode()).isEqualTo(413);
        assertThat(oversized.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(JSON.readTree(oversized.body()).get("detail").asString()).contains("limit");

        assertThat(count("SELECT count(*) FROM jobs")).isEqualTo(jobs);
        assertThat(count("SELECT count(*) FROM outbox")).isEqualTo(outbox);

        // a rule that matches nothing is only a warning: the job is queued (and cancelled here, it is not needed)
        HttpResponse<String> warned = post("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\",\"custom_q\":\"ffn_up_exps=q4_K\"}", null);
        assertThat(warned.statusCode()).as(warned.body()).isEqualTo(202);
        assertThat(JSON.readTree(warned.body()).get("warnings").toString()).contains("'ffn_up_exps=q4_K' matches no quantized tensor");
        send(HttpRequest.newBuilder(URI.create(gateway + "/api/jobs/" + JSON.readTree(warned.body()).get("id").asString())).DELETE());
    }

    @Test
    void everyServiceReportsHealthAndReadiness() throws Exception {
        for (ServiceKind kind : ServiceKind.values()) {
            for (String path : List.of("/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness")) {
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(cluster.url(kind) + path)));
                assertThat(r.statusCode()).as(kind + path + " " + r.body()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).get("status").asString()).isEqualTo("UP");
            }
        }
    }

    @Test
    void theEvalWorkerAnswersARequestItCannotReadWithAFailure() throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO jobs (id, type, status, request) VALUES (?, 'EVALUATE', 'QUEUED', '{}')");
            insert.setObject(1, id);
            insert.executeUpdate();
        }
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.EVALUATE_REQUESTS, MessageCodec.key(id), "{}".getBytes())).get();
        }

        JsonNode failed = awaitStatus(id, "FAILED");

        assertThat(failed.get("stage").asString()).isEqualTo("INVALID_REQUEST");
        assertThat(failed.get("error").asString()).contains("eval-worker").contains("EvaluateRequested");
    }

    // --- helpers ---------------------------------------------------------------------------------

    private static UUID submit(String model, String ftype) throws Exception {
        return submit("{\"model\":\"" + model + "\",\"ftype\":\"" + ftype + "\"}");
    }

    private static UUID submit(String quantizeJson) throws Exception {
        return submitTo("/api/jobs/quantize", quantizeJson);
    }

    private static UUID submitTo(String path, String json) throws Exception {
        HttpResponse<String> r = post(path, json, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return UUID.fromString(JSON.readTree(r.body()).get("id").asString());
    }

    private static void assertRule(HttpResponse<String> r, String field, String rule, String reason) {
        assertProblem(r, 400, field);
        JsonNode p = JSON.readTree(r.body());
        assertThat(p.get("rule").asString()).isEqualTo(rule);
        assertThat(p.get("reason").asString()).contains(reason);
    }

    private static JsonNode awaitStatus(UUID id, String status) {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            job = get("/api/jobs/" + id);
            String s = job.get("status").asString();
            if (s.equals(status)) {
                return job;
            }
            assertThat(s).as("job %s ended as %s while waiting for %s: %s", id, s, status, job)
                    .isIn("QUEUED", "RUNNING");
            sleep(100);
        }
        throw new AssertionError("job " + id + " not " + status + " within " + JOB_TIMEOUT + ": " + job);
    }

    private static List<Path> tempFiles() throws IOException {
        Path tmp = store.resolve(".tmp");
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(tmp)) {
            return files.toList();
        }
    }

    private static JsonNode get(String path) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(gateway + path)));
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> post(String path, String json, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return send(b);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertProblem(HttpResponse<String> r, int status, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode p = JSON.readTree(r.body());
        assertThat(p.get("field").asString()).isEqualTo(field);
        assertThat(p.get("detail").asString()).isNotBlank();
    }

    private static long count(String sql, Object... params) {
        return ((Number) queryOne(sql, params).values().iterator().next()).longValue();
    }

    private static Map<String, Object> queryOne(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             var st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("a row from " + sql).isTrue();
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                return row;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            d.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static void waitFor(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            sleep(100);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
