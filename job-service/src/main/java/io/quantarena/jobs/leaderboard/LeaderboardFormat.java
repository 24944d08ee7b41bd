package io.quantarena.jobs.leaderboard;

import org.springframework.stereotype.Component;

import java.util.Locale;

/** Number formatting for the leaderboard page ({@code ${@fmt...}} in the templates); null shows as empty. */
@Component("fmt")
public class LeaderboardFormat {

    public String num(Double v, int decimals) {
        return v == null || v.isNaN() ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** {@code value ± error}, or the value alone without an error. */
    public String pm(Double v, Double err, int decimals) {
        if (v == null || v.isNaN()) {
            return "";
        }
        return err == null || err.isNaN() ? num(v, decimals) : num(v, decimals) + " ± " + num(err, decimals);
    }

    /** A fraction as percent with its error, e.g. {@code 99.020 ± 0.437 %}. */
    public String pct(Double fraction, Double err) {
        if (fraction == null || fraction.isNaN()) {
            return "";
        }
        return pm(fraction * 100, err == null ? null : err * 100, 3) + " %";
    }
}
