package io.quantarena.evalworker;

import io.quantarena.contracts.files.FileSha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BaseLogitsCacheTest {

    static final BaseLogitsKey KEY = new BaseLogitsKey("tiny-llama", "a".repeat(64), "b".repeat(64), 512, 2);

    @TempDir
    Path store;

    @Test
    void concurrentThreadsOfTwoWorkerInstancesComputeTheFileOnceAndAllGetIt() throws Exception {
        BaseLogitsCache first = new BaseLogitsCache(store);
        BaseLogitsCache second = new BaseLogitsCache(store);
        AtomicInteger computed = new AtomicInteger();
        AtomicInteger waited = new AtomicInteger();
        CountDownLatch computing = new CountDownLatch(1);
        CountDownLatch othersWaiting = new CountDownLatch(3);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<BaseLogitsCache.Obtained>> results = new ArrayList<>();
            results.add(pool.submit(() -> first.obtain(KEY, temporary -> {
                computed.incrementAndGet();
                computing.countDown();
                // hold the computation until the three others are queued behind it
                assertThat(await(othersWaiting)).isTrue();
                Files.writeString(temporary, "logits");
            }, waited::incrementAndGet)));
            assertThat(computing.await(30, TimeUnit.SECONDS)).isTrue();
            for (BaseLogitsCache cache : List.of(first, second, second)) {
                results.add(pool.submit(() -> cache.obtain(KEY, temporary -> {
                    computed.incrementAndGet();
                    Files.writeString(temporary, "second computation");
                }, () -> {
                    waited.incrementAndGet();
                    othersWaiting.countDown();
                })));
            }

            List<BaseLogitsCache.Obtained> obtained = new ArrayList<>();
            for (Future<BaseLogitsCache.Obtained> f : results) {
                obtained.add(f.get(60, TimeUnit.SECONDS));
            }

            assertThat(computed).hasValue(1);
            assertThat(waited).hasValue(3);
            assertThat(obtained).extracting(BaseLogitsCache.Obtained::computed).containsExactly(true, false, false, false);
            assertThat(obtained).extracting(BaseLogitsCache.Obtained::sha256).containsOnly(FileSha256.of(obtained.getFirst().file()));
            assertThat(obtained.getFirst().file()).hasContent("logits");
            assertThat(obtained.getFirst().relativePath()).isEqualTo("base-logits/tiny-llama/aaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-c512-n2.kld");
            assertThat(first.computations() + second.computations()).isEqualTo(1);
            assertThat(temporaryFiles()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWorkerInAnotherProcessComputingTheFileMakesThisOneWaitAndReuseIt() throws Exception {
        Path log = store.resolve("computations.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process probe = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                BaseLogitsLockProbe.class.getName(), store.toString(), log.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(signal(out)).as("the probe process computes first").isEqualTo("computing");
            BaseLogitsCache here = new BaseLogitsCache(store);
            AtomicInteger waited = new AtomicInteger();

            BaseLogitsCache.Obtained o = here.obtain(KEY, temporary -> {
                Files.writeString(log, "test\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Files.writeString(temporary, "computed twice");
            }, waited::incrementAndGet);

            assertThat(waited).hasValue(1);
            assertThat(o.computed()).isFalse();
            assertThat(o.file()).hasContent("base logits of the probe");
            assertThat(signal(out)).isEqualTo("computed");
            assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            probe.destroy();
        }
        assertThat(Files.readAllLines(log)).hasSize(1).allMatch(l -> l.startsWith("probe "));
    }

    @Test
    void aFailedComputationLeavesNoFileAndTheNextCallComputesAgain() throws Exception {
        BaseLogitsCache cache = new BaseLogitsCache(store);

        assertThatThrownBy(() -> cache.obtain(KEY, temporary -> {
            Files.writeString(temporary, "half");
            throw new java.io.IOException("disk full");
        }, () -> { })).hasMessage("disk full");
        assertThat(store.resolve(KEY.relativePath())).doesNotExist();
        assertThat(temporaryFiles()).isEmpty();

        BaseLogitsCache.Obtained o = cache.obtain(KEY, temporary -> Files.writeString(temporary, "whole"), () -> { });
        assertThat(o.computed()).isTrue();
        assertThat(o.file()).hasContent("whole");
        assertThat(o.sha256()).isEqualTo(FileSha256.of(o.file()));
    }

    /** The probe's next word on stdout, skipping its log lines. */
    private static String signal(BufferedReader out) throws java.io.IOException {
        for (String line; (line = out.readLine()) != null; ) {
            if (List.of("computing", "waiting", "computed", "reused").contains(line.strip())) {
                return line.strip();
            }
        }
        return null;
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private List<Path> temporaryFiles() throws Exception {
        Path tmp = store.resolve("base-logits/.tmp");
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(tmp)) {
            return s.toList();
        }
    }
}
