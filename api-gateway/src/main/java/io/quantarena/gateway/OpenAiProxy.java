package io.quantarena.gateway;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import jakarta.servlet.FilterChain;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;

/**
 * Forwards {@code /v1/**} to the inference-worker and copies the answer back as it arrives, flushing
 * after every read: streamed completions (server-sent events) reach the client token by token. A
 * client that goes away closes the upstream connection, so the worker frees its slot. A servlet filter
 * (after the size limit and the API keys), not a handler: the gateway's function routing would otherwise
 * claim these paths first.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
public class OpenAiProxy extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(OpenAiProxy.class);
    /** Hop-by-hop headers (RFC 9110 §7.6.1) and those the HTTP client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length",
            "authorization", "expect");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String upstream;

    public OpenAiProxy(OpenAiRouteProperties properties) {
        this.upstream = properties.inferenceWorkerUrl().replaceAll("/+$", "");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.equals("/v1") || path.startsWith("/v1/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        forward(request, response);
    }

    private void forward(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String query = request.getQueryString();
        URI target = URI.create(upstream + request.getRequestURI() + (query == null ? "" : "?" + query));
        byte[] body = request.getInputStream().readAllBytes();
        HttpRequest.Builder out = HttpRequest.newBuilder(target)
                .method(request.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements(); ) {
                    out.header(name, values.nextElement());
                }
            }
        }
        HttpResponse<InputStream> answer;
        try {
            answer = client.send(out.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            unavailable(response, "the inference-worker at " + upstream + " is not reachable");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable(response, "the gateway is shutting down");
            return;
        }
        response.setStatus(answer.statusCode());
        answer.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(v -> response.addHeader(name, v));
            }
        });
        try (InputStream in = answer.body()) {
            OutputStream sink = response.getOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (n > 0) {
                    sink.write(buffer, 0, n);
                    sink.flush();
                }
            }
        } catch (IOException e) {
            // either side went away; closing the upstream stream (try-with-resources) ends the worker's request
            log.debug("{} {} ended early: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        }
    }

    private static void unavailable(HttpServletResponse response, String message) throws IOException {
        response.setStatus(503);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader(HttpHeaders.RETRY_AFTER, "5");
        String json = "{\"error\":{\"message\":\"" + message + "\",\"type\":\"server_error\",\"param\":null,\"code\":\"upstream_unavailable\"}}";
        response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }
}
