package io.quantarena.jobs.leaderboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The points no other point beats on both axes: for a size budget, the front holds the smallest
 * divergence available at or under it.
 */
public final class ParetoFront {

    private ParetoFront() {
    }

    /**
     * The non-dominated points, smallest size first: a point is on the front when every smaller (or
     * equally big) point has a larger cost. Of points equal in both, the first listed is kept.
     */
    public static <T> List<T> of(List<T> points, ToDoubleFunction<T> size, ToDoubleFunction<T> cost) {
        List<T> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(size).thenComparingDouble(cost));
        List<T> front = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (T p : sorted) {
            double c = cost.applyAsDouble(p);
            if (c < best) {
                front.add(p);
                best = c;
            }
        }
        return front;
    }
}
