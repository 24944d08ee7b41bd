package io.quantarena.jobs.leaderboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The size-versus-KLD chart of a board as inline SVG (server-rendered, no script): size in GiB on a
 * linear x axis, mean KLD on a log y axis, the Pareto front as a line through its points.
 */
public final class SizeKldChart {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int LEFT = 64;
    private static final int RIGHT = 20;
    private static final int TOP = 16;
    private static final int BOTTOM = 44;

    /** One plotted quant (or the reference, drawn as a square). */
    public record Point(String name, double sizeGiB, double kld, boolean reference) {
    }

    private SizeKldChart() {
    }

    /** The chart's SVG; {@code front} holds the points on the Pareto front. Empty points give a note instead. */
    public static String svg(List<Point> points, Set<Point> front) {
        StringBuilder s = new StringBuilder();
        s.append(f("<svg class=\"size-kld-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"size versus KL-divergence\">", WIDTH, HEIGHT, WIDTH, HEIGHT));
        if (points.isEmpty()) {
            s.append(f("<text x=\"%d\" y=\"%d\" class=\"note\">no KL-divergence measured yet</text></svg>", LEFT, HEIGHT / 2));
            return s.toString();
        }
        double maxSize = points.stream().mapToDouble(Point::sizeGiB).max().orElse(1) * 1.08;
        double minKld = points.stream().mapToDouble(p -> Math.max(p.kld(), 1e-9)).min().orElse(1e-3);
        double maxKld = points.stream().mapToDouble(p -> Math.max(p.kld(), 1e-9)).max().orElse(1);
        int lo = (int) Math.floor(Math.log10(minKld));
        int hi = Math.max(lo + 1, (int) Math.ceil(Math.log10(maxKld)));
        Scale x = v -> LEFT + v / maxSize * (WIDTH - LEFT - RIGHT);
        Scale y = v -> TOP + (hi - Math.log10(Math.max(v, 1e-9))) / (hi - lo) * (HEIGHT - TOP - BOTTOM);

        s.append(f("<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        s.append(f("<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT, TOP, LEFT, HEIGHT - BOTTOM));
        for (int e = lo; e <= hi; e++) {
            double yy = y.at(Math.pow(10, e));
            s.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", LEFT, yy, WIDTH - RIGHT, yy));
            s.append(f("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">1e%d</text>", LEFT - 6, yy + 4, e));
        }
        for (int i = 0; i <= 4; i++) {
            double v = maxSize * i / 4;
            s.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x.at(v), HEIGHT - BOTTOM + 16, tick(v)));
        }
        s.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">size (GiB)</text>", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8));
        s.append(f("<text x=\"14\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">mean KLD (log)</text>",
                (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2));

        List<Point> frontInOrder = new ArrayList<>(points.stream().filter(front::contains).toList());
        frontInOrder.sort(java.util.Comparator.comparingDouble(Point::sizeGiB));
        StringBuilder line = new StringBuilder();
        for (Point p : frontInOrder) {
            line.append(f("%.1f,%.1f ", x.at(p.sizeGiB()), y.at(p.kld())));
        }
        s.append("<polyline class=\"pareto-front\" fill=\"none\" stroke=\"#d2691e\" stroke-width=\"2\" points=\"")
                .append(line.toString().strip()).append("\"/>");
        for (Point p : points) {
            boolean onFront = front.contains(p);
            String cls = "point" + (onFront ? " pareto" : "") + (p.reference() ? " reference" : "");
            String fill = onFront ? "#d2691e" : "#4a7ab5";
            String title = escape(f("%s: %.3f GiB, mean KLD %.6f%s", p.name(), p.sizeGiB(), p.kld(), onFront ? " (Pareto front)" : ""));
            double cx = x.at(p.sizeGiB());
            double cy = y.at(p.kld());
            if (p.reference()) {
                s.append(f("<rect class=\"%s\" data-name=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"><title>%s</title></rect>",
                        cls, escape(p.name()), cx - 5, cy - 5, fill, title));
            } else {
                s.append(f("<circle class=\"%s\" data-name=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"><title>%s</title></circle>",
                        cls, escape(p.name()), cx, cy, fill, title));
            }
            s.append(f("<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#555\">%s</text>", cx + 7, cy - 6, escape(p.name())));
        }
        return s.append("</svg>").toString();
    }

    @FunctionalInterface
    private interface Scale {
        double at(double v);
    }

    private static String tick(double v) {
        return v == 0 ? "0" : v < 0.1 ? f("%.3f", v) : v < 10 ? f("%.2f", v) : f("%.0f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
