package io.quantarena.gateway;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * API keys for {@code /v1/**} when {@code quantarena.gateway.api-keys} lists any: a request needs
 * {@code Authorization: Bearer KEY} (as OpenAI clients send it) with a listed key, else 401 with an
 * OpenAI-style error body.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class ApiKeyFilter extends OncePerRequestFilter {

    private final List<byte[]> keys;

    public ApiKeyFilter(OpenAiRouteProperties properties) {
        this.keys = properties.apiKeys().stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return keys.isEmpty() || !(path.equals("/v1") || path.startsWith("/v1/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            reject(response, "no API key: send 'Authorization: Bearer YOUR_KEY'");
            return;
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (byte[] k : keys) {
            // constant time per key: no timing hint about how much of a key matched
            known |= MessageDigest.isEqual(k, given);
        }
        if (!known) {
            reject(response, "the API key is not valid");
            return;
        }
        chain.doFilter(request, response);
    }

    private static void reject(HttpServletResponse response, String message) throws IOException {
        response.setStatus(401);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        String json = "{\"error\":{\"message\":\"" + message.replace("\"", "\\\"")
                + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}";
        response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }
}
