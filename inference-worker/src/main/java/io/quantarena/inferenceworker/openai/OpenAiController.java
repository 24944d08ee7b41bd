package io.quantarena.inferenceworker.openai;

import io.quantarena.inferenceworker.ServeProperties;
import io.quantarena.inferenceworker.engine.Completion;
import io.quantarena.inferenceworker.engine.GenerationListener;
import io.quantarena.inferenceworker.engine.GenerationParams;
import io.quantarena.inferenceworker.engine.GenerationRequest;
import io.quantarena.inferenceworker.engine.LoadedModel;
import io.quantarena.inferenceworker.engine.ModelNotFoundException;
import io.quantarena.inferenceworker.engine.ModelRegistry;
import io.quantarena.inferenceworker.engine.QueueFullException;
import io.quantarena.inferenceworker.metrics.ServingMetrics;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The OpenAI-compatible API: {@code GET /v1/models}, {@code POST /v1/completions} and
 * {@code POST /v1/chat/completions}, plain or streamed as server-sent events ending in {@code data: [DONE]}.
 * Each request waits on its own (virtual) thread while the model's scheduler generates; a streamed
 * client that goes away is noticed at the next write and its slot freed.
 */
@RestController
public class OpenAiController {

    private static final Logger log = LoggerFactory.getLogger(OpenAiController.class);
    /**
     * While a streamed request waits for a slot (a comment line) or a plain one for its completion (a
     * space), a write this often tells whether the client is still there.
     */
    private static final long WAITING_PING_MS = 1000;

    private final ModelRegistry registry;
    private final ServingMetrics metrics;
    private final int retryAfterSeconds;

    public OpenAiController(ModelRegistry registry, ServingMetrics metrics, ServeProperties properties) {
        this.registry = registry;
        this.metrics = metrics;
        this.retryAfterSeconds = properties.retryAfterSeconds();
    }

    @GetMapping(path = "/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
    public String models() {
        metrics.request("models", 200);
        return ApiResponses.json(ApiResponses.models(registry.catalog().list()));
    }

    @GetMapping(path = "/v1/models/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    public String model(@PathVariable String id) {
        return ApiResponses.json(ApiResponses.model(registry.catalog().find(id).orElseThrow(() -> notFound(id))));
    }

    @PostMapping("/v1/completions")
    public void completions(@RequestBody(required = false) byte[] body, HttpServletResponse response) throws IOException {
        serve("completions", body, false, response);
    }

    @PostMapping("/v1/chat/completions")
    public void chatCompletions(@RequestBody(required = false) byte[] body, HttpServletResponse response)
            throws IOException {
        serve("chat", body, true, response);
    }

    private void serve(String endpoint, byte[] body, boolean chat, HttpServletResponse response) throws IOException {
        try {
            ApiRequest request = ApiRequestParser.parse(body, chat);
            try (ModelRegistry.Lease lease = acquire(request)) {
                LoadedModel model = lease.model();
                String text = chat ? model.formatChat(request.messages()) : request.prompt();
                int[] prompt = model.tokenize(text);
                if (prompt.length == 0) {
                    throw OpenAiException.invalid(chat ? "messages" : "prompt", "the prompt has no tokens");
                }
                if (prompt.length >= model.contextSize()) {
                    throw new OpenAiException(400, "the prompt has " + prompt.length + " tokens, which does not fit the context of "
                            + model.contextSize() + " tokens (with room for one generated token)", "invalid_request_error",
                            chat ? "messages" : "prompt", "context_length_exceeded");
                }
                int maxTokens = request.maxTokens() != null ? request.maxTokens() : model.contextSize() - prompt.length;
                GenerationParams params = new GenerationParams(maxTokens, request.sampler(), request.stop(),
                        request.ignoreEos());
                ApiResponses bodies = new ApiResponses((chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID(),
                        System.currentTimeMillis() / 1000, request.model(), chat);
                Events events = new Events();
                GenerationRequest generation = new GenerationRequest(prompt, params, events);
                try {
                    model.scheduler().submit(generation);
                } catch (QueueFullException e) {
                    throw new OpenAiException(429, e.getMessage(), "rate_limit_error", null, "rate_limit_exceeded");
                }
                metrics.request(endpoint, 200);
                if (request.stream()) {
                    stream(response, events, generation, model, bodies, request.includeUsage());
                } else {
                    answer(response, events, generation, model, bodies);
                }
            }
        } catch (OpenAiException e) {
            metrics.request(endpoint, e.status());
            throw e;
        }
    }

    private ModelRegistry.Lease acquire(ApiRequest request) {
        try {
            return registry.acquire(request.model(), request.overrides());
        } catch (ModelNotFoundException e) {
            throw new OpenAiException(404, e.getMessage(), "invalid_request_error", "model", "model_not_found");
        } catch (IllegalArgumentException e) {
            // e.g. an override the model's metadata cannot take
            throw OpenAiException.invalid(request.overrides().isEmpty() ? "model" : "override_kv", e.getMessage());
        } catch (UncheckedIOException e) {
            throw new OpenAiException(500, e.getMessage(), "server_error", "model", "model_load_failed");
        }
    }

    private static OpenAiException notFound(String id) {
        return new OpenAiException(404, "model '" + id + "' does not exist", "invalid_request_error", "model",
                "model_not_found");
    }

    /**
     * Waits for the whole completion and answers it as one JSON body. While it waits, a space goes
     * out every {@link #WAITING_PING_MS} (JSON allows leading whitespace): a servlet cannot see a
     * silent client hang up, but a write to it fails, and then its slot is freed at once. Short
     * completions never ping and keep their exact status codes; after the first ping the status line
     * is out, so a late server error comes as an OpenAI error body with status 200.
     */
    private void answer(HttpServletResponse response, Events events, GenerationRequest generation, LoadedModel model,
                        ApiResponses bodies) throws IOException {
        Object last;
        OutputStream pinged = null;
        try {
            while (true) {
                last = events.queue.poll(WAITING_PING_MS, TimeUnit.MILLISECONDS);
                if (last instanceof Completion || last instanceof RuntimeException) {
                    break;
                }
                if (last == null) {
                    if (pinged == null) {
                        response.setStatus(200);
                        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                        pinged = response.getOutputStream();
                    }
                    pinged.write(' ');
                    response.flushBuffer();
                }
            }
        } catch (IOException e) {
            log.debug("client of a plain completion disconnected: {}", e.getMessage());
            generation.cancel();
            model.scheduler().withdraw(generation);
            return;
        } catch (InterruptedException e) {
            generation.cancel();
            model.scheduler().withdraw(generation);
            Thread.currentThread().interrupt();
            throw new OpenAiException(503, "the server is shutting down", "server_error", null, null);
        }
        if (last instanceof RuntimeException error) {
            if (pinged == null) {
                throw failure(error);
            }
            pinged.write(ApiResponses.json(ApiResponses.error(failure(error))).getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] json = ApiResponses.json(bodies.complete((Completion) last)).getBytes(StandardCharsets.UTF_8);
        if (pinged == null) {
            response.setStatus(200);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setContentLength(json.length);
            response.getOutputStream().write(json);
        } else {
            pinged.write(json);
        }
    }

    /** Server-sent events: a chunk per piece of text, the finish reason and timings, usage if asked, [DONE]. */
    private void stream(HttpServletResponse response, Events events, GenerationRequest generation, LoadedModel model,
                        ApiResponses bodies, boolean includeUsage) {
        response.setStatus(200);
        response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        try {
            OutputStream out = response.getOutputStream();
            response.flushBuffer();
            boolean started = false;
            while (true) {
                Object event = events.queue.poll(WAITING_PING_MS, TimeUnit.MILLISECONDS);
                if (event == null) {
                    if (!started) {
                        write(out, ": waiting for a slot\n\n");
                    }
                    continue;
                }
                if (event == Events.STARTED) {
                    started = true;
                    if (bodies.chat()) {
                        // OpenAI's first chat chunk carries the role
                        write(out, data(bodies.chunk("", true)));
                    }
                } else if (event instanceof String text) {
                    write(out, data(bodies.chunk(text, false)));
                } else if (event instanceof Completion c) {
                    write(out, data(bodies.finalChunk(c)));
                    if (includeUsage) {
                        write(out, data(bodies.usageChunk(c)));
                    }
                    write(out, "data: [DONE]\n\n");
                    return;
                } else if (event instanceof RuntimeException error) {
                    write(out, data(ApiResponses.error(failure(error))));
                    write(out, "data: [DONE]\n\n");
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away: free its slot (or queue place) now
            log.debug("streaming client disconnected: {}", e.getMessage());
            generation.cancel();
            model.scheduler().withdraw(generation);
        } catch (InterruptedException e) {
            generation.cancel();
            model.scheduler().withdraw(generation);
            Thread.currentThread().interrupt();
        }
    }

    private static String data(tools.jackson.databind.node.ObjectNode json) {
        return "data: " + ApiResponses.json(json) + "\n\n";
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static OpenAiException failure(RuntimeException error) {
        if (error instanceof IllegalArgumentException) {
            return new OpenAiException(400, error.getMessage(), "invalid_request_error", null, null);
        }
        log.error("generation failed", error);
        return new OpenAiException(500, "generation failed: " + error.getMessage(), "server_error", null, null);
    }

    @ExceptionHandler(OpenAiException.class)
    public ResponseEntity<String> openAiError(OpenAiException e) {
        ResponseEntity.BodyBuilder b = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON);
        if (e.status() == 429) {
            b.header(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
        }
        return b.body(ApiResponses.json(ApiResponses.error(e)));
    }

    /** The scheduler's callbacks as a queue the request thread reads. */
    private static final class Events implements GenerationListener {
        static final Object STARTED = new Object();
        final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

        @Override
        public void onStart() {
            queue.add(STARTED);
        }

        @Override
        public void onText(String text) {
            queue.add(text);
        }

        @Override
        public void onComplete(Completion completion) {
            queue.add(completion);
        }

        @Override
        public void onError(RuntimeException error) {
            queue.add(error);
        }
    }
}
