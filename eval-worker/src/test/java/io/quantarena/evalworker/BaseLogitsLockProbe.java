package io.quantarena.evalworker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A second worker process for {@link BaseLogitsCacheTest}: obtains the base file of one key, and when
 * it computes it, says so on stdout and takes its time, so that the test can compete meanwhile.
 * Arguments: store directory, computation log file.
 */
public final class BaseLogitsLockProbe {

    public static void main(String[] args) throws Exception {
        BaseLogitsCache cache = new BaseLogitsCache(Path.of(args[0]));
        Path computations = Path.of(args[1]);
        BaseLogitsCache.Obtained o = cache.obtain(BaseLogitsCacheTest.KEY, temporary -> {
            Files.writeString(computations, "probe " + ProcessHandle.current().pid() + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            System.out.println("computing");
            System.out.flush();
            sleep(2000);
            Files.writeString(temporary, "base logits of the probe");
        }, () -> System.out.println("waiting"));
        System.out.println(o.computed() ? "computed" : "reused");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
