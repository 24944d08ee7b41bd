package io.quantarena.jobs;

import io.quantarena.contracts.JobControl;
import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.MessageCodec;
import io.quantarena.contracts.ArtifactRef;
import io.quantarena.contracts.ImatrixOutcome;
import io.quantarena.contracts.ImatrixRequested;
import io.quantarena.contracts.ProgressDetail;
import io.quantarena.contracts.QuantOutcome;
import io.quantarena.contracts.QuantRecipe;
import io.quantarena.contracts.QuantizeRequested;
import io.quantarena.contracts.TensorRow;
import io.quantarena.core.gguf.GgufFile;
import io.quantarena.core.gguf.GgufTensorInfo;
import io.quantarena.core.imatrix.Imatrix;
import io.quantarena.core.imatrix.ImatrixEntry;
import io.quantarena.core.imatrix.ImatrixFiles;
import io.quantarena.contracts.Topics;
import io.quantarena.testinfra.PostgresEndpoint;
import io.quantarena.testinfra.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * job-service alone against real PostgreSQL and Kafka: the test plays the worker by reading
 * quantize.requests and writing job.events.
 */
@SpringBootTest(classes = JobServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=job-service")
class JobServiceIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PostgresEndpoint DB = TestInfrastructure.freshDatabase("job_service");
    private static final Path STORE = tempStore();
    private static KafkaConsumer<byte[], byte[]> requests;
    private static KafkaProducer<byte[], byte[]> events;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.springProperties(DB).forEach((k, v) -> registry.add(k, () -> v));
        registry.add("quantarena.models-dir", () -> sharedModels().toString());
        registry.add("quantarena.datasets-dir", () -> sharedModels().resolveSibling("data").toString());
        registry.add("quantarena.store-dir", () -> STORE.toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void kafkaClients() {
        requests = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "job-service-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        requests.subscribe(List.of(Topics.QUANTIZE_REQUESTS, Topics.IMATRIX_REQUESTS, Topics.JOB_CONTROL));
        events = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void closeClients() {
        requests.close();
        events.close();
    }

    static Path sharedModels() {
        return Path.of(System.getProperty("quantarena.shared", "../../shared")).resolve("models").toAbsolutePath().normalize();
    }

    Http http() {
        return new Http("http://localhost:" + port);
    }

    @Test
    void theFlywayMigrationsAreTheOnlySchema() {
        List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
                .query(String.class).list();
        assertThat(tables).containsExactly("artifacts", "evaluations", "flyway_schema_history", "imatrices", "job_events", "jobs",
                "models", "outbox", "quants", "serve_results");
    }

    @Test
    void baseModelsInTheModelsDirectoryAreRegistered() {
        waitFor(() -> jdbc.sql("SELECT count(*) FROM models").query(Long.class).single() >= 2, "models registered");
        JsonNode models = json(http().get("/api/models"));
        assertThat(models.findValuesAsString("name")).contains("tiny-llama", "tiny-llama4");
        JsonNode tiny = first(models, "name", "tiny-llama");
        assertThat(tiny.get("architecture").asString()).isEqualTo("llama");
        assertThat(tiny.get("parameterCount").asLong()).isPositive();
        assertThat(tiny.get("sha256").asString()).hasSize(64);
    }

    @Test
    void badRequestsAreRefusedWithProblemJsonAndWriteNothing() {
        waitFor(() -> jdbc.sql("SELECT count(*) FROM models").query(Long.class).single() >= 2, "models registered");
        long jobsBefore = count("jobs");
        long outboxBefore = count("outbox");

        assertProblem(http().postJson("/api/jobs/quantize", "{\"ftype\":\"Q8_0\"}", null), 400, "model");
        assertProblem(http().postJson("/api/jobs/quantize", "{\"model\":\"tiny-llama\"}", null), 400, "ftype");
        HttpResponse<String> unknownFtype = http().postJson("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q9_9\"}", null);
        assertProblem(unknownFtype, 400, "ftype");
        assertThat(json(unknownFtype).get("detail").asString()).contains("Q9_9").contains("Q8_0");
        HttpResponse<String> unknownModel = http().postJson("/api/jobs/quantize", "{\"model\":\"no-such-model\",\"ftype\":\"Q8_0\"}", null);
        assertThat(unknownModel.statusCode()).isEqualTo(404);
        assertThat(json(unknownModel).get("detail").asString()).contains("no-such-model");
        assertThat(http().postJson("/api/jobs/quantize", "{\"model\":", null).statusCode()).isEqualTo(400);
        assertThat(http().postJson("/api/jobs/quantize", "", null).statusCode()).isEqualTo(400);
        assertProblem(http().get("/api/jobs?status=BOGUS"), 400, "status");
        assertProblem(http().get("/api/jobs?type=NOPE"), 400, "type");

        assertThat(count("jobs")).isEqualTo(jobsBefore);
        assertThat(count("outbox")).isEqualTo(outboxBefore);
    }

    @Test
    void theSameIdempotencyKeyGivesTheSameJob() {
        String key = "key-" + UUID.randomUUID();
        HttpResponse<String> first = http().postJson("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\"}", key);
        HttpResponse<String> again = http().postJson("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"q8_0\"}", key);
        HttpResponse<String> different = http().postJson("/api/jobs/quantize", "{\"model\":\"tiny-llama4\",\"ftype\":\"Q8_0\"}", key);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(202);
        String id = json(first).get("id").asString();
        assertThat(json(again).get("id").asString()).isEqualTo(id);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(first.headers().firstValue("Location")).contains("/api/jobs/" + id);
        assertThat(different.statusCode()).isEqualTo(422);
        assertThat(jdbc.sql("SELECT count(*) FROM jobs WHERE idempotency_key = ?").param(key).query(Long.class).single()).isOne();
    }

    @Test
    void aQueuedJobIsPublishedAndFollowsTheWorkersEventsToTheLeaderboard() {
        UUID id = UUID.fromString(json(http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\"}", null)).get("id").asString());
        QuantizeRequested request = MessageCodec.decode(awaitRecord(Topics.QUANTIZE_REQUESTS, id).value(), QuantizeRequested.class);
        assertThat(request).isEqualTo(new QuantizeRequested(id, "tiny-llama", "tiny-llama-bf16.gguf", QuantRecipe.of("Q8_0"), null));

        JobEvent started = JobEvent.started(id, "quantize");
        QuantOutcome outcome = new QuantOutcome("quants/tiny-llama/x-" + id + ".gguf", 7_000_000, sha(id), 6_000_000, 8.5, "Q8_0",
                List.of(new TensorRow("blk.0.attn_q.weight", List.of(256L, 256L), "q8_0", 69_632),
                        new TensorRow("output_norm.weight", List.of(256L), "f32", 1024)));
        JobEvent succeeded = JobEvent.succeeded(id, outcome);
        send(started);
        send(JobEvent.progress(id, 0.5, "quantize", "half", new ProgressDetail("blk.0.attn_q.weight", 1, 2, 70_000L, null)));
        send(succeeded);
        send(succeeded); // redelivered: same event id
        send(JobEvent.succeeded(id, outcome)); // the work redone: a new event id
        waitFor(() -> jdbc.sql("SELECT count(*) FROM job_events WHERE job_id = ?").param(id).query(Long.class).single() == 4,
                "four distinct events stored");

        JsonNode job = json(http().get("/api/jobs/" + id));
        assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(job.get("detail").get("current").asString()).isEqualTo("blk.0.attn_q.weight");
        assertThat(job.get("detail").get("bytesWritten").asLong()).isEqualTo(70_000L);
        assertThat(json(http().get("/api/jobs/" + id + "/events")).get(1).get("detail").get("done").asInt()).isEqualTo(1);
        List<String> applied = new ArrayList<>();
        json(http().get("/api/jobs/" + id + "/events")).forEach(e ->
                applied.add(e.get("type").asString() + (e.get("applied").asBoolean() ? "" : "(ignored)")));
        assertThat(applied).containsExactly("STARTED", "PROGRESS", "SUCCEEDED", "SUCCEEDED(ignored)");
        assertThat(jdbc.sql("SELECT count(*) FROM quants WHERE job_id = ?").param(id).query(Long.class).single()).isOne();

        JsonNode board = json(http().get("/api/leaderboard?model=tiny-llama")).get(0);
        JsonNode quant = first(board.get("quants"), "jobId", id.toString());
        assertThat(quant.get("name").asString()).isEqualTo("tiny-llama-Q8_0");
        assertThat(quant.get("bitsPerWeight").asDouble()).isEqualTo(8.5);
        assertThat(quant.get("sizeGiB").asDouble()).isCloseTo(7_000_000 / 1073741824.0, org.assertj.core.data.Offset.offset(1e-9));
        JsonNode detail = json(http().get("/api/quants/" + quant.get("id").asLong()));
        assertThat(detail.get("recipe").asString()).isEqualTo("Q8_0");
        assertThat(detail.get("recipeOptions").get("ftype").asString()).isEqualTo("Q8_0");
        assertThat(detail.get("parameterCount").asLong()).isEqualTo(6_000_000);
        assertThat(detail.get("tensors").get(0).get("name").asString()).isEqualTo("blk.0.attn_q.weight");
        assertThat(detail.get("tensors").get(0).get("shape").toString()).isEqualTo("[256,256]");
        assertThat(detail.get("tensors").get(0).get("bytes").asLong()).isEqualTo(69_632);
        assertThat(json(http().get("/api/jobs/" + id)).get("quantId").asLong()).isEqualTo(quant.get("id").asLong());
        assertThat(http().get("/api/quants/999999").statusCode()).isEqualTo(404);
        assertThat(http().get("/").body()).contains("tiny-llama-Q8_0").contains(id.toString());
        assertThat(http().get("/api/leaderboard?model=nope").statusCode()).isEqualTo(404);
    }

    @Test
    void aFailedEventLeavesTheJobFailedWithTheMessage() {
        UUID id = UUID.fromString(json(http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\"}", null)).get("id").asString());
        send(JobEvent.started(id, "quantize"));
        send(JobEvent.failed(id, "IOException", "disk full while writing blk.3.ffn_up.weight"));

        waitFor(() -> "FAILED".equals(json(http().get("/api/jobs/" + id)).get("status").asString()), "job failed");
        JsonNode job = json(http().get("/api/jobs/" + id));
        assertThat(job.get("error").asString()).isEqualTo("disk full while writing blk.3.ffn_up.weight");
        assertThat(jdbc.sql("SELECT count(*) FROM quants WHERE job_id = ?").param(id).query(Long.class).single()).isZero();
        assertThat(json(http().get("/api/jobs?status=FAILED")).findValuesAsString("id")).contains(id.toString());
    }

    @Test
    void cancellingAQueuedJobTellsTheWorkersAndIsIdempotent() {
        UUID id = UUID.fromString(json(http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\"}", null)).get("id").asString());

        HttpResponse<String> cancel = http().delete("/api/jobs/" + id);
        HttpResponse<String> again = http().delete("/api/jobs/" + id);

        assertThat(cancel.statusCode()).isEqualTo(200);
        assertThat(json(cancel).get("status").asString()).isEqualTo("CANCELLED");
        assertThat(json(again).get("status").asString()).isEqualTo("CANCELLED");
        assertThat(MessageCodec.decode(awaitRecord(Topics.JOB_CONTROL, id).value(), JobControl.class))
                .isEqualTo(new JobControl(id, JobControl.Action.CANCEL));
        send(JobEvent.started(id, "quantize")); // a worker that missed the cancel
        waitFor(() -> jdbc.sql("SELECT count(*) FROM job_events WHERE job_id = ?").param(id).query(Long.class).single() == 1,
                "late event stored");
        assertThat(json(http().get("/api/jobs/" + id)).get("status").asString()).isEqualTo("CANCELLED");
        assertThat(http().delete("/api/jobs/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
    }

    @Test
    void aFinishedJobCannotBeCancelled() {
        UUID id = UUID.fromString(json(http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\"}", null)).get("id").asString());
        send(JobEvent.failed(id, "X", "boom"));
        waitFor(() -> "FAILED".equals(json(http().get("/api/jobs/" + id)).get("status").asString()), "job failed");

        HttpResponse<String> cancel = http().delete("/api/jobs/" + id);

        assertThat(cancel.statusCode()).isEqualTo(409);
        assertThat(json(cancel).get("detail").asString()).contains("FAILED");
    }

    @Test
    void recipesAreCheckedWithCoresParserAndPlannerBeforeAnythingIsQueued() {
        waitFor(() -> jdbc.sql("SELECT count(*) FROM models").query(Long.class).single() >= 2, "models registered");
        long jobsBefore = count("jobs");
        long outboxBefore = count("outbox");

        HttpResponse<String> badRegex = http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"Q4_K_M\",\"custom_q\":\"attn_v=q8_0,blk\\\\.(=q4_K\"}", null);
        assertRecipeProblem(badRegex, "custom_q", "blk\\.(=q4_K", "invalid regex 'blk\\.('");
        HttpResponse<String> unknownType = http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"Q4_K_M\",\"custom_q\":[\"attn_v=q8_0\",\"ffn_down=q9_K\"]}", null);
        assertRecipeProblem(unknownType, "custom_q", "ffn_down=q9_K", "unknown type 'q9_K'");
        HttpResponse<String> iquantRule = http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"Q4_K_M\",\"custom_q\":\"ffn_down=iq2_xxs\"}", null);
        assertRecipeProblem(iquantRule, "custom_q", "ffn_down=iq2_xxs", "needs an importance matrix");
        HttpResponse<String> iquantFtype = http().postJson("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"IQ2_XXS\"}", null);
        assertRecipeProblem(iquantFtype, "ftype", "IQ2_XXS", "needs an importance matrix");
        HttpResponse<String> noEncoder = http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\",\"custom_q\":\"ffn_up=iq4_kt\"}", null);
        assertRecipeProblem(noEncoder, "custom_q", "ffn_up=iq4_kt", "cannot be encoded by this build");
        assertRecipeProblem(http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\",\"token_embedding_type\":\"Q8_0\"}", null),
                "token_embedding_type", "Q8_0", "did you mean 'q8_0'");
        assertRecipeProblem(http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\",\"override_kv\":\"general.name=long:1\"}", null),
                "override_kv", "general.name=long:1", "unknown value type 'long'");
        assertRecipeProblem(http().postJson("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"IQ4_KT\"}", null),
                "ftype", "IQ4_KT", "not an ftype this build can quantize to");
        assertProblem(http().postJson("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\",\"imatrix\":\"nope.dat\"}", null),
                400, "imatrix");
        HttpResponse<String> typo = http().postJson("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"Q8_0\",\"customq\":\"a=q8_0\"}", null);
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(json(typo).get("detail").asString()).contains("customq");

        assertThat(count("jobs")).isEqualTo(jobsBefore);
        assertThat(count("outbox")).isEqualTo(outboxBefore);
    }

    @Test
    void aRecipeIsQueuedNormalisedWithItsWarnings() {
        HttpResponse<String> r = http().postJson("/api/jobs/quantize", "{\"model\":\"tiny-llama\",\"ftype\":\"q4_k\","
                + "\"custom_q\":\"attn_v=q8_0,ffn_up_exps=q2_K\",\"output_tensor_type\":\"q6_K\",\"override_kv\":[\"general.name=str:x\"]}", null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode job = json(r);
        assertThat(job.get("warnings").toString()).contains("custom-q rule 'ffn_up_exps=q2_K' matches no quantized tensor");
        assertThat(job.get("ftype").asString()).isEqualTo("Q4_K_M");
        UUID id = UUID.fromString(job.get("id").asString());
        QuantizeRequested request = MessageCodec.decode(awaitRecord(Topics.QUANTIZE_REQUESTS, id).value(), QuantizeRequested.class);
        assertThat(request.recipe()).isEqualTo(new QuantRecipe("Q4_K_M", List.of("attn_v=q8_0", "ffn_up_exps=q2_K"), null, "q6_K", false,
                List.of("general.name=str:x")));
        assertThat(request.imatrix()).isNull();
        assertThat(json(http().get("/api/jobs/" + id)).get("request").get("custom_q").toString())
                .isEqualTo("[\"attn_v=q8_0\",\"ffn_up_exps=q2_K\"]");
    }

    @Test
    void anImatrixJobIsQueuedAndItsResultFeedsIQuantRequests() throws Exception {
        assertProblem(http().postJson("/api/jobs/imatrix", "{\"model\":\"tiny-llama\",\"dataset\":\"../models/tiny-llama-bf16.gguf\"}", null),
                400, "dataset");
        assertProblem(http().postJson("/api/jobs/imatrix", "{\"model\":\"tiny-llama\",\"dataset\":\"calibration.txt\",\"n_ctx\":8}", null),
                400, "n_ctx");
        assertProblem(http().postJson("/api/jobs/imatrix", "{\"model\":\"tiny-llama\",\"dataset\":\"calibration.txt\",\"chunks\":0}", null),
                400, "chunks");
        assertThat(json(http().get("/api/datasets")).findValuesAsString("name")).contains("calibration.txt", "wiki.test.raw");

        HttpResponse<String> accepted = http().postJson("/api/jobs/imatrix", "{\"model\":\"tiny-llama\",\"dataset\":\"calibration.txt\",\"chunks\":4}", null);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        UUID id = UUID.fromString(json(accepted).get("id").asString());
        assertThat(json(accepted).get("type").asString()).isEqualTo("IMATRIX");
        ImatrixRequested request = MessageCodec.decode(awaitRecord(Topics.IMATRIX_REQUESTS, id).value(), ImatrixRequested.class);
        assertThat(request).isEqualTo(new ImatrixRequested(id, "tiny-llama", "tiny-llama-bf16.gguf", "calibration.txt", 512, 4));

        // the worker's file: an entry for every layer weight of tiny-llama
        String path = "imatrix/tiny-llama/tiny-llama-calibration-c512-" + id + ".dat";
        Path file = STORE.resolve(path);
        Files.createDirectories(file.getParent());
        ImatrixFiles.write(imatrixFor(sharedModels().resolve("tiny-llama-bf16.gguf")), file);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        ImatrixOutcome outcome = new ImatrixOutcome(path, Files.size(file), sha, "calibration.txt", "ab".repeat(32), 512, 4, 2048, 42, 60.5);
        send(JobEvent.succeeded(id, outcome));
        send(JobEvent.succeeded(id, outcome)); // redone work: recorded, not applied
        waitFor(() -> "SUCCEEDED".equals(json(http().get("/api/jobs/" + id)).get("status").asString()), "imatrix job done");
        waitFor(() -> jdbc.sql("SELECT count(*) FROM job_events WHERE job_id = ?").param(id).query(Long.class).single() == 2, "both events");
        assertThat(jdbc.sql("SELECT count(*) FROM imatrices WHERE job_id = ?").param(id).query(Long.class).single()).isOne();
        JsonNode listed = first(json(http().get("/api/imatrices?model=tiny-llama")), "path", path);
        long artifactId = listed.get("artifactId").asLong();
        assertThat(listed.get("chunks").asInt()).isEqualTo(4);
        assertThat(json(http().get("/api/jobs/" + id)).get("imatrixArtifactId").asLong()).isEqualTo(artifactId);

        // the same i-quant request that was refused without an imatrix is accepted with it, by id or by file name
        HttpResponse<String> iquant = http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"IQ2_XXS\",\"imatrix\":" + artifactId + "}", null);
        assertThat(iquant.statusCode()).as(iquant.body()).isEqualTo(202);
        UUID quantJob = UUID.fromString(json(iquant).get("id").asString());
        QuantizeRequested q = MessageCodec.decode(awaitRecord(Topics.QUANTIZE_REQUESTS, quantJob).value(), QuantizeRequested.class);
        assertThat(q.imatrix()).isEqualTo(new ArtifactRef(artifactId, path, sha));
        HttpResponse<String> byName = http().postJson("/api/jobs/quantize",
                "{\"model\":\"tiny-llama\",\"ftype\":\"Q4_K_M\",\"custom_q\":\"ffn_down=iq2_xs\",\"imatrix\":\"" + file.getFileName() + "\"}", null);
        assertThat(byName.statusCode()).as(byName.body()).isEqualTo(202);
        assertThat(json(byName).get("request").get("imatrix").get("id").asLong()).isEqualTo(artifactId);
    }

    /** An imatrix with ones for every layer weight of a model (what llama-imatrix collects: ne0 values per matrix). */
    private static Imatrix imatrixFor(Path model) throws Exception {
        List<ImatrixEntry> entries = new ArrayList<>();
        try (GgufFile gguf = GgufFile.open(model)) {
            for (GgufTensorInfo t : gguf.tensors()) {
                if (t.name().startsWith("blk.") && t.significantDims() >= 2) {
                    float[] v = new float[(int) t.ne(0)];
                    java.util.Arrays.fill(v, 4f);
                    entries.add(new ImatrixEntry(t.name(), 4, v));
                }
            }
        }
        return new Imatrix(entries, 4, "calibration.txt", null);
    }

    private static void assertRecipeProblem(HttpResponse<String> response, String field, String rule, String reason) {
        assertProblem(response, 400, field);
        JsonNode problem = json(response);
        assertThat(problem.get("rule").asString()).isEqualTo(rule);
        assertThat(problem.get("reason").asString()).contains(reason);
        assertThat(problem.get("detail").asString()).contains(rule).contains(reason);
    }

    static Path tempStore() {
        try {
            return Files.createTempDirectory("job-service-store");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void send(JobEvent event) {
        try {
            events.send(new ProducerRecord<>(Topics.JOB_EVENTS, MessageCodec.key(event.jobId()), MessageCodec.encode(event))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConsumerRecord<byte[], byte[]> awaitRecord(String topic, UUID jobId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : requests.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(topic) && new String(r.key(), StandardCharsets.UTF_8).equals(jobId.toString())) {
                    return r;
                }
            }
        }
        throw new AssertionError("no record for job " + jobId + " on " + topic + " within 30 s");
    }

    private long count(String table) {
        return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }

    private static void assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("field").asString()).isEqualTo(field);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static JsonNode first(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.get(field).asString())) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }

    private static String sha(UUID id) {
        return (id.toString().replace("-", "") + id.toString().replace("-", "")).substring(0, 64);
    }

    static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 30 s waiting for: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
