package io.quantarena.inferenceworker.engine;

import io.quantarena.core.gguf.GgufValue;
import io.quantarena.core.model.CpuBackend;
import io.quantarena.core.model.KvCacheType;
import io.quantarena.core.model.KvOverride;
import io.quantarena.core.model.ModelFile;
import io.quantarena.core.model.Sequence;
import io.quantarena.core.tokenizer.SpecialTokenIds;
import io.quantarena.core.tokenizer.Tokenizer;
import io.quantarena.core.tokenizer.Tokenizers;
import io.quantarena.core.tokenizer.Vocabulary;
import io.quantarena.inferenceworker.chat.ChatMessage;
import io.quantarena.inferenceworker.chat.ChatTemplate;
import io.quantarena.inferenceworker.chat.ChatTemplates;
import io.quantarena.inferenceworker.metrics.ServingMetrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model in memory, ready to serve: the mapped file, tokenizer, chat template, compute threads and
 * its {@link BatchScheduler}. Leases count the requests using it; a model is unloaded only without any.
 */
public final class LoadedModel implements AutoCloseable {

    /** How a model is loaded. */
    public record Settings(int parallel, int queueSize, int ctxSize, int ubatch, int threads, KvCacheType cacheType) {
    }

    private final String name;
    private final ModelFile file;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final CpuBackend backend;
    private final BatchScheduler scheduler;
    private final int ctxSize;
    private final long bytes;
    private final AtomicInteger leases = new AtomicInteger();

    private LoadedModel(String name, ModelFile file, Tokenizer tokenizer, ChatTemplate chatTemplate, CpuBackend backend,
                        BatchScheduler scheduler, int ctxSize, long bytes) {
        this.name = name;
        this.file = file;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
        this.backend = backend;
        this.scheduler = scheduler;
        this.ctxSize = ctxSize;
        this.bytes = bytes;
    }

    public static LoadedModel load(String name, Path path, List<KvOverride> overrides, Settings s, ServingMetrics metrics)
            throws IOException {
        ModelFile mf = ModelFile.open(path, overrides);
        CpuBackend backend = null;
        try {
            Tokenizer tok = Tokenizers.fromGguf(mf.gguf().metadata());
            Vocabulary vocab = tok.vocabulary();
            String template = mf.gguf().metadata().find("tokenizer.chat_template").map(GgufValue::value)
                    .map(Object::toString).orElse(null);
            ChatTemplate chat = ChatTemplates.forModel(template, mf.hparams().arch(), vocab);
            int ctx = s.ctxSize() > 0 ? s.ctxSize() : Math.min(4096, mf.hparams().nCtxTrain());
            SpecialTokenIds ids = vocab.specialIds();
            backend = new CpuBackend(s.threads());
            BatchScheduler scheduler = new BatchScheduler(name, mf.model(), tok,
                    id -> id == ids.eos() || id == ids.eot() || id == ids.eom(), backend, s.parallel(), ctx,
                    s.ubatch(), s.cacheType(), s.queueSize(), metrics);
            long bytes = Files.size(path) + s.parallel() * Sequence.cacheBytes(mf.hparams(), ctx, s.cacheType());
            return new LoadedModel(name, mf, tok, chat, backend, scheduler, ctx, bytes);
        } catch (RuntimeException e) {
            if (backend != null) {
                backend.close();
            }
            mf.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public BatchScheduler scheduler() {
        return scheduler;
    }

    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    /** Context (KV cells) of each slot: prompt plus generated tokens. */
    public int contextSize() {
        return ctxSize;
    }

    /** File bytes plus KV caches: what the memory budget counts. */
    public long bytes() {
        return bytes;
    }

    /** Tokens of a prompt, as {@code quantarena generate} tokenizes it (BOS as the vocabulary asks, special tokens parsed). */
    public int[] tokenize(String text) {
        return tokenizer.encode(text, tokenizer.vocabulary().addBos(), true);
    }

    /**
     * The prompt text of a conversation. A template that writes BOS itself would get a second one from
     * the tokenizer: that leading BOS text is dropped.
     */
    public String formatChat(List<ChatMessage> messages) {
        String text = chatTemplate.apply(messages, true);
        Vocabulary vocab = tokenizer.vocabulary();
        int bos = vocab.specialIds().bos();
        if (vocab.addBos() && bos != SpecialTokenIds.NONE) {
            String bosText = vocab.token(bos);
            if (!bosText.isEmpty() && text.startsWith(bosText)) {
                text = text.substring(bosText.length());
            }
        }
        return text;
    }

    void lease() {
        leases.incrementAndGet();
    }

    void release() {
        leases.decrementAndGet();
    }

    boolean unused() {
        return leases.get() == 0 && scheduler.idle();
    }

    @Override
    public void close() {
        scheduler.close();
        backend.close();
        file.close();
    }
}
