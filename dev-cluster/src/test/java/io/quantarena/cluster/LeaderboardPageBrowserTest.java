package io.quantarena.cluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leaderboard page in real headless Chromium, through the gateway of the shared cluster: the
 * table (reference row, origins, numbers), sorting by clicking column headers, and the size-versus-KLD
 * chart with its Pareto front. The board is a fixture model with known numbers written to the database.
 */
class LeaderboardPageBrowserTest {

    private static final String MODEL = "page-fixture";
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final String ROWS = "table.quants[data-model='" + MODEL + "'] tbody.rows tr";

    private static ClusterApi api;
    private static String pageUrl;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void seedAndLaunch() throws Exception {
        Assumptions.assumeTrue(HeadlessChromium.installed(), "Chromium is not installed at " + HeadlessChromium.EXECUTABLE
                + " and could not be installed (./quantarena test installs Debian's chromium package when run as root"
                + " with apt): skipping the browser test of the leaderboard page");
        TestCluster shared = TestCluster.get();
        api = new ClusterApi(shared.gateway(), shared.db);
        seed();
        pageUrl = shared.gateway() + "/leaderboard?model=" + MODEL;
        chromium = HeadlessChromium.launch();
    }

    @AfterAll
    static void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void theTableShowsTheReferenceAndEveryQuantAndSortsByClickedColumns() throws Exception {
        chromium.open(pageUrl);

        assertThat(texts("table.quants[data-model='" + MODEL + "'] tbody.reference tr td:first-child"))
                .containsExactly(MODEL + "-base");
        assertThat(attr(ROWS, "data-name")).containsExactly("fx-A", "fx-E", "fx-C", "fx-B", "fx-D"); // by bits per weight
        assertThat(texts(ROWS + "[data-name='fx-A'] td")).containsSubsequence("fx-A", "ours", "Q8_0 --pure", "8.5000",
                "9.1268", "8.500", "6.0999 ± 0.0500", "0.003000 ± 0.000100", "0.001000", "0.030000", "1.500 ± 0.100 %",
                "98.000 ± 0.200 %", "wiki.test.raw · n_ctx 512 · 20 chunks · KLD");
        assertThat(texts(ROWS + "[data-name='fx-B'] td:nth-child(2)")).containsExactly("community: alice");
        assertThat(texts(ROWS + "[data-name='fx-E'] td:last-child")).containsExactly("not evaluated");

        chromium.click("table.quants[data-model='" + MODEL + "'] th[data-key=sizeGiB]");
        assertThat(attr(ROWS, "data-name")).containsExactly("fx-D", "fx-B", "fx-C", "fx-E", "fx-A");
        assertThat(attr("table.quants[data-model='" + MODEL + "'] th[data-key=sizeGiB]", "aria-sort")).containsExactly("ascending");

        chromium.click("table.quants[data-model='" + MODEL + "'] th[data-key=sizeGiB]");
        assertThat(attr(ROWS, "data-name")).containsExactly("fx-A", "fx-E", "fx-C", "fx-B", "fx-D");

        chromium.click("table.quants[data-model='" + MODEL + "'] th[data-key=kldMean]");
        assertThat(attr(ROWS, "data-name")).as("lowest KLD first, the unmeasured quant last")
                .containsExactly("fx-A", "fx-B", "fx-C", "fx-D", "fx-E");
        chromium.click("table.quants[data-model='" + MODEL + "'] th[data-key=name]");
        assertThat(attr(ROWS, "data-name")).containsExactly("fx-A", "fx-B", "fx-C", "fx-D", "fx-E");
        // the reference row stays on top whatever the order
        assertThat(texts("table.quants[data-model='" + MODEL + "'] tbody tr:first-child td:first-child").getFirst())
                .isEqualTo(MODEL + "-base");
    }

    @Test
    void theChartPlotsSizeAgainstKldAndMarksTheParetoFront() throws Exception {
        chromium.open(pageUrl);
        String chart = "section.board[data-model='" + MODEL + "'] svg.size-kld-chart";

        assertThat(chromium.evaluate("document.querySelectorAll(\"" + chart + " circle.point\").length").asInt()).isEqualTo(4);
        assertThat(attr(chart + " rect.point.reference", "data-name")).containsExactly(MODEL + "-base");
        assertThat(attr(chart + " .point.pareto", "data-name"))
                .containsExactlyInAnyOrder("fx-A", "fx-B", "fx-D", MODEL + "-base");
        assertThat(attr(chart + " .point:not(.pareto)", "data-name")).containsExactly("fx-C");
        JsonNode front = chromium.evaluate("document.querySelector(\"" + chart + " polyline.pareto-front\").getAttribute('points')"
                + ".trim().split(/\\s+/).map(p => p.split(',').map(Number))");
        assertThat(front).hasSize(4);
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        front.forEach(p -> {
            xs.add(p.get(0).asDouble());
            ys.add(p.get(1).asDouble());
        });
        assertThat(xs).as("the front runs from small to large").isSorted();
        assertThat(ys).as("and its KLD falls (SVG y grows downwards)").isSorted();
        // the points sit where their numbers say: larger quants further right
        double xA = chromium.evaluate("Number(document.querySelector(\"" + chart + " circle[data-name='fx-A']\").getAttribute('cx'))").asDouble();
        double xD = chromium.evaluate("Number(document.querySelector(\"" + chart + " circle[data-name='fx-D']\").getAttribute('cx'))").asDouble();
        assertThat(xA).isGreaterThan(xD);
        assertThat(texts(ROWS + ".pareto td:first-child")).hasSize(3);
        assertThat(chromium.evaluate("document.querySelector(\"" + chart + " circle[data-name='fx-C'] title\").textContent").asString())
                .contains("fx-C").contains("5.000 GiB").contains("0.050000");
    }

    @Test
    void theLeaderboardJsonHasTheSameRowsAndFront() {
        JsonNode board = api.get("/api/leaderboard?model=" + MODEL).get(0);
        assertThat(board.get("reference").get(0).get("origin").asString()).isEqualTo("base");
        assertThat(board.get("quants").findValuesAsString("name")).containsExactly("fx-A", "fx-E", "fx-C", "fx-B", "fx-D");
        List<String> onFront = new ArrayList<>();
        List<Long> front = new ArrayList<>();
        board.get("paretoFront").forEach(id -> front.add(id.asLong()));
        for (JsonNode r : board.get("quants")) {
            if (!r.get("evaluation").isNull() && front.contains(r.get("evaluation").get("id").asLong())) {
                onFront.add(r.get("name").asString());
            }
        }
        assertThat(front).hasSize(4);
        assertThat(onFront).containsExactlyInAnyOrder("fx-A", "fx-B", "fx-D");
        JsonNode a = board.get("quants").get(0);
        assertThat(a.get("sizeGiB").asDouble()).isEqualTo(8.5);
        assertThat(a.get("sizeGB").asDouble()).isEqualTo(8.5 * GIB / 1e9);
        assertThat(a.get("evaluation").get("sameTopP").asDouble()).isEqualTo(0.98);
    }

    private static List<String> texts(String selector) throws Exception {
        return strings("[...document.querySelectorAll(\"" + selector + "\")].map(e => e.textContent.trim())");
    }

    private static List<String> attr(String selector, String attribute) throws Exception {
        return strings("[...document.querySelectorAll(\"" + selector + "\")].map(e => e.getAttribute('" + attribute + "'))");
    }

    private static List<String> strings(String expression) throws Exception {
        List<String> out = new ArrayList<>();
        chromium.evaluate(expression).forEach(n -> out.add(n.isNull() ? null : n.asString()));
        return out;
    }

    /** A base model with five quants of known size and divergence (C is dominated by B; E is not evaluated). */
    private static void seed() {
        if (api.count("SELECT count(*) FROM models WHERE name = ?", MODEL) > 0) {
            return;
        }
        api.execute("INSERT INTO models (name, architecture, parameter_count, file_name, file_bytes, sha256) "
                + "VALUES (?, 'llama', 8000000000, 'page-fixture.gguf', ?, repeat('f', 64))", MODEL, (long) (16 * GIB));
        long model = (Long) api.queryOne("SELECT id FROM models WHERE name = ?", MODEL).get("id");
        UUID job = UUID.randomUUID();
        api.execute("INSERT INTO jobs (id, type, status, model_id, request) VALUES (?, 'QUANTIZE', 'SUCCEEDED', ?, "
                + "'{\"model\":\"page-fixture\",\"ftype\":\"Q8_0\"}'::jsonb)", job, model);
        api.execute("INSERT INTO artifacts (kind, path, bytes, sha256) VALUES ('base-logits', 'fixture/base.kld', 1, repeat('0', 64))");
        long baseLogits = (Long) api.queryOne("SELECT id FROM artifacts WHERE path = 'fixture/base.kld'").get("id");
        record Q(String name, double gib, Double kld, String author) {
        }
        List<Q> quants = List.of(new Q("fx-A", 8.5, 0.003, null), new Q("fx-B", 4.8, 0.02, "alice"),
                new Q("fx-C", 5.0, 0.05, "bob"), new Q("fx-D", 3.0, 0.2, "carol"), new Q("fx-E", 6.0, null, "dave"));
        char sha = 'a';
        for (Q q : quants) {
            api.execute("INSERT INTO artifacts (kind, path, bytes, sha256) VALUES ('gguf', ?, ?, repeat(?, 64))",
                    "fixture/" + q.name + ".gguf", (long) (q.gib * GIB), String.valueOf(sha++));
            long artifact = (Long) api.queryOne("SELECT id FROM artifacts WHERE path = ?", "fixture/" + q.name + ".gguf").get("id");
            boolean ours = q.author == null;
            api.execute("INSERT INTO quants (job_id, model_id, name, ftype, recipe, artifact_id, size_bytes, bits_per_weight, "
                            + "tensor_types, origin, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?)",
                    ours ? job : null, model, q.name, ours ? "Q8_0" : "mixed", ours ? "Q8_0 --pure" : "custom recipe of " + q.author,
                    artifact, (long) (q.gib * GIB), q.gib, ours ? "produced" : "community", q.author);
            if (q.kld != null) {
                long quant = (Long) api.queryOne("SELECT id FROM quants WHERE name = ?", q.name).get("id");
                evaluation(model, quant, baseLogits, 6.0 + q.kld * 33.3, q.kld);
            }
        }
        evaluation(model, null, baseLogits, 6.0, 0.000002);
    }

    private static void evaluation(long model, Long quant, long baseLogits, double ppl, double kld) {
        api.execute("""
                INSERT INTO evaluations (model_id, quant_id, dataset, dataset_sha256, n_ctx, chunks, ppl, ppl_error,
                       mean_ln_ratio, mean_ln_ratio_error, kld_mean, kld_error, kld_median, kld_p99, delta_p_rms,
                       delta_p_rms_error, same_top_p, same_top_p_error, tool_version, kl_divergence, base_logits_artifact_id)
                VALUES (?, ?, 'wiki.test.raw', repeat('e', 64), 512, 20, ?, 0.05, ?, 0.0001, ?, ?, ?, ?, 0.015, 0.001,
                        0.98, 0.002, 'fixture', true, ?)""",
                model, quant, ppl, kld / 2, kld, kld / 30, kld / 3, kld * 10, baseLogits);
    }

}
