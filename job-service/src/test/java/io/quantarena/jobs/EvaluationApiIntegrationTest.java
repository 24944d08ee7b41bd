package io.quantarena.jobs;

import io.quantarena.contracts.StoredFile;
import io.quantarena.contracts.ChunkProgress;
import io.quantarena.contracts.EvaluateRequested;
import io.quantarena.contracts.EvaluationOutcome;
import io.quantarena.contracts.JobEvent;
import io.quantarena.contracts.KldStatistics;
import io.quantarena.contracts.MessageCodec;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Evaluate jobs in job-service alone against real PostgreSQL and Kafka: the test plays the eval-worker
 * by reading evaluate.requests and writing job.events.
 */
@SpringBootTest(classes = JobServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=job-service")
class EvaluationApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PostgresEndpoint DB = TestInfrastructure.freshDatabase("evaluation_api");
    private static final Path STORE = JobServiceIntegrationTest.tempStore();
    private static KafkaConsumer<byte[], byte[]> requests;
    private static KafkaProducer<byte[], byte[]> events;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.springProperties(DB).forEach((k, v) -> registry.add(k, () -> v));
        registry.add("quantarena.models-dir", () -> JobServiceIntegrationTest.sharedModels().toString());
        registry.add("quantarena.datasets-dir", () -> JobServiceIntegrationTest.sharedModels().resolveSibling("data").toString());
        registry.add("quantarena.store-dir", () -> STORE.toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void kafkaClients() {
        requests = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "evaluation-api-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        requests.subscribe(List.of(Topics.EVALUATE_REQUESTS));
        events = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void closeClients() {
        requests.close();
        events.close();
    }

    private Http http() {
        return new Http("http://localhost:" + port);
    }

    @Test
    void badEvaluateRequestsNameTheFieldAndWriteNothing() {
        JobServiceIntegrationTest.waitFor(() -> jdbc.sql("SELECT count(*) FROM models").query(Long.class).single() >= 2, "models registered");
        long jobs = jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single();

        assertProblem(http().postJson("/api/jobs/evaluate", "{}", null), 400, "model");
        assertProblem(http().postJson("/api/jobs/evaluate", "{\"model\":\"tiny-llama\",\"n_ctx\":4}", null), 400, "n_ctx");
        assertProblem(http().postJson("/api/jobs/evaluate", "{\"model\":\"tiny-llama\",\"chunks\":0}", null), 400, "chunks");
        assertProblem(http().postJson("/api/jobs/evaluate", "{\"model\":\"tiny-llama\",\"expert_used_count\":0}", null), 400, "expert_used_count");
        HttpResponse<String> dataset = http().postJson("/api/jobs/evaluate", "{\"model\":\"tiny-llama\",\"dataset\":\"../etc/passwd\"}", null);
        assertProblem(dataset, 400, "dataset");
        assertThat(JobServiceIntegrationTest.json(dataset).get("detail").asString()).contains("wiki.test.raw");
        assertThat(http().postJson("/api/jobs/evaluate", "{\"quant\":999999}", null).statusCode()).isEqualTo(404);
        assertThat(http().postJson("/api/jobs/evaluate", "{\"model\":\"gpt-17\"}", null).statusCode()).isEqualTo(404);
        assertThat(http().get("/api/datasets").body()).contains("wiki.test.raw").contains("calibration.txt");

        assertThat(jdbc.sql("SELECT count(*) FROM jobs").query(Long.class).single()).isEqualTo(jobs);
    }

    @Test
    void anEvaluateJobIsPublishedAndItsProgressAndResultAreStoredWithProvenance() {
        JobServiceIntegrationTest.waitFor(() -> jdbc.sql("SELECT count(*) FROM models").query(Long.class).single() >= 2, "models registered");
        HttpResponse<String> accepted = http().postJson("/api/jobs/evaluate",
                "{\"model\":\"tiny-llama4\",\"n_ctx\":256,\"chunks\":3,\"kl_divergence\":true,\"expert_used_count\":2}", "eval-key-1");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        UUID id = UUID.fromString(JobServiceIntegrationTest.json(accepted).get("id").asString());
        HttpResponse<String> replay = http().postJson("/api/jobs/evaluate",
                "{\"model\":\"tiny-llama4\",\"n_ctx\":256,\"chunks\":3,\"kl_divergence\":true,\"expert_used_count\":2}", "eval-key-1");
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");

        EvaluateRequested request = MessageCodec.decode(awaitRequest(id).value(), EvaluateRequested.class);
        assertThat(request.baseModel()).isEqualTo("tiny-llama4");
        assertThat(request.baseModelFile()).isEqualTo("tiny-llama4-bf16.gguf");
        assertThat(request.baseModelSha256()).hasSize(64);
        assertThat(request.subjectPath()).isNull();
        assertThat(request.nCtx()).isEqualTo(256);
        assertThat(request.chunks()).isEqualTo(3);
        assertThat(request.klDivergence()).isTrue();
        assertThat(request.expertUsedCount()).isEqualTo(2);

        send(JobEvent.started(id, "evaluate"));
        send(JobEvent.progress(id, 0.5, "kl-divergence", "chunk 2/3", new ChunkProgress(2, 3, 81.25, 0.004)));
        JobServiceIntegrationTest.waitFor(() -> JobServiceIntegrationTest.json(http().get("/api/jobs/" + id)).get("status")
                .asString().equals("RUNNING"), "the job running");
        JobServiceIntegrationTest.waitFor(() -> http().get("/jobs/" + id).body().contains("81.2500"), "the job page showing the running PPL");
        assertThat(http().get("/jobs/" + id).body()).contains("2 / 3").contains("0.004000");
        JsonNode progress = JobServiceIntegrationTest.json(http().get("/api/jobs/" + id + "/events")).get(1);
        assertThat(progress.get("metrics").get("done").asInt()).isEqualTo(2);
        assertThat(progress.get("metrics").get("runningPpl").asDouble()).isEqualTo(81.25);

        KldStatistics kld = new KldStatistics(80.1, 9.0, 0.999, 0.0012, 0.0004, 0.004, 0.0002, 0.7, 0.5, 0.05, 0.02, 0.01,
                0.001, 0.0001, 0.00005, 0.00001, 0.000002, 0.000001, -0.0001, 0.0002, 0.1, 0.03, 0.0, -0.02, -0.08,
                0.012, 0.001, 0.97, 0.006);
        EvaluationOutcome outcome = new EvaluationOutcome("wiki.test.raw", "d".repeat(64), 256, 3, 381, 2, 80.2, 9.1, kld,
                new StoredFile("base-logits/tiny-llama4/k.kld", 12345, "e".repeat(64)), "quantarena test", 2.5, 307.2);
        JobEvent done = JobEvent.evaluated(id, outcome);
        send(done);
        send(done); // redelivered: stored once
        JobServiceIntegrationTest.waitFor(() -> JobServiceIntegrationTest.json(http().get("/api/jobs/" + id)).get("status")
                .asString().equals("SUCCEEDED"), "the job succeeded");

        Map<String, Object> row = jdbc.sql("""
                SELECT e.*, a.kind, a.path FROM evaluations e JOIN artifacts a ON a.id = e.base_logits_artifact_id
                WHERE e.job_id = ?""").param(id).query().singleRow();
        assertThat(row.get("quant_id")).isNull();
        assertThat(row).containsEntry("dataset", "wiki.test.raw").containsEntry("n_ctx", 256).containsEntry("chunks", 3)
                .containsEntry("expert_used_count", 2).containsEntry("tokens_scored", 381L).containsEntry("kl_divergence", true)
                .containsEntry("ppl", 80.2).containsEntry("kld_mean", 0.004).containsEntry("kld_median", 0.001)
                .containsEntry("kld_p99", 0.05).containsEntry("same_top_p", 0.97).containsEntry("mean_ln_ratio", 0.0012)
                .containsEntry("tool_version", "quantarena test").containsEntry("kind", "base-logits")
                .containsEntry("path", "base-logits/tiny-llama4/k.kld");
        assertThat(jdbc.sql("SELECT count(*) FROM evaluations WHERE job_id = ?").param(id).query(Long.class).single()).isOne();

        JsonNode reference = JobServiceIntegrationTest.json(http().get("/api/leaderboard?model=tiny-llama4")).get(0).get("reference");
        assertThat(reference).hasSize(1);
        JsonNode ev = reference.get(0).get("evaluation");
        assertThat(ev.get("kldMean").asDouble()).isEqualTo(0.004);
        assertThat(ev.get("settings").asString()).isEqualTo("wiki.test.raw · n_ctx 256 · 3 chunks · 2 experts · KLD");
        assertThat(ev.get("baseLogitsSha256").asString()).isEqualTo("e".repeat(64));
        String page = http().get("/leaderboard?model=tiny-llama4").body();
        assertThat(page).contains("tiny-llama4-BF16").contains("0.004000 ± 0.000200").contains("97.000 ± 0.600 %");
    }

    private void send(JobEvent event) {
        try {
            events.send(new ProducerRecord<>(Topics.JOB_EVENTS, MessageCodec.key(event.jobId()), MessageCodec.encode(event))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConsumerRecord<byte[], byte[]> awaitRequest(UUID jobId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : requests.poll(Duration.ofMillis(200))) {
                if (new String(r.key(), StandardCharsets.UTF_8).equals(jobId.toString())) {
                    return r;
                }
            }
        }
        throw new AssertionError("no evaluate request for job " + jobId + " within 30 s");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("field").asString()).isEqualTo(field);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }
}
