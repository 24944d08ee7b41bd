package io.quantarena.jobs.leaderboard;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SizeKldChartTest {

    @Test
    void pointsAreDrawnWithTheFrontMarkedAndNamesEscaped() {
        SizeKldChart.Point big = new SizeKldChart.Point("Q8_0 <ours>", 8, 0.003, false);
        SizeKldChart.Point small = new SizeKldChart.Point("Q4 & co", 4, 0.03, false);
        SizeKldChart.Point worse = new SizeKldChart.Point("Q5", 5, 0.1, false);
        SizeKldChart.Point ref = new SizeKldChart.Point("BF16", 16, 1e-6, true);

        String svg = SizeKldChart.svg(List.of(big, small, worse, ref), Set.of(small, big, ref));

        assertThat(svg).startsWith("<svg class=\"size-kld-chart\"").endsWith("</svg>");
        assertThat(svg).contains("data-name=\"Q8_0 &lt;ours&gt;\"").contains("data-name=\"Q4 &amp; co\"");
        assertThat(count(svg, "<circle class=\"point pareto\"")).isEqualTo(2);
        assertThat(count(svg, "<circle class=\"point\"")).isEqualTo(1);
        assertThat(count(svg, "<rect class=\"point pareto reference\"")).isEqualTo(1);
        String line = svg.substring(svg.indexOf("<polyline"), svg.indexOf("/>", svg.indexOf("<polyline")));
        assertThat(line.split("points=\"")[1].trim().split("\\s+")).hasSize(3);
        assertThat(svg).contains(">1e-6<").contains(">1e-1<");
    }

    @Test
    void withoutMeasurementsTheChartSaysSo() {
        assertThat(SizeKldChart.svg(List.of(), Set.of())).contains("no KL-divergence measured yet");
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
