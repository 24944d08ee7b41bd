package io.quantarena.gateway;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Answers 413 problem+json for request bodies over {@code quantarena.gateway.max-request-bytes}, by the
 * declared Content-Length or, for chunked bodies, by reading at most one byte past the limit. Community
 * quant uploads ({@code POST /api/models/{base}/quants}) have their own, larger limit and are never
 * buffered here: a chunked upload is passed on as a stream that fails once it exceeds the limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestSizeLimitFilter extends OncePerRequestFilter {

    private static final java.util.regex.Pattern UPLOAD_PATH = java.util.regex.Pattern.compile("/api/models/[^/]+/quants/?");

    private final long limit;
    private final long uploadLimit;

    public RequestSizeLimitFilter(GatewayProperties properties) {
        this.limit = properties.maxRequestBytes();
        this.uploadLimit = properties.maxUploadBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (isUpload(request)) {
            if (declared > uploadLimit) {
                reject(response, declared + " bytes", uploadLimit);
                return;
            }
            chain.doFilter(declared < 0 ? new LimitedBodyRequest(request, uploadLimit) : request, response);
            return;
        }
        if (declared > limit) {
            reject(response, declared + " bytes");
            return;
        }
        if (declared < 0 && request.getHeader("Transfer-Encoding") != null) {
            byte[] body = readAtMost(request.getInputStream(), limit + 1);
            if (body.length > limit) {
                reject(response, "more than " + limit + " bytes");
                return;
            }
            chain.doFilter(new BufferedBodyRequest(request, body), response);
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean isUpload(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && UPLOAD_PATH.matcher(request.getRequestURI()).matches();
    }

    private void reject(HttpServletResponse response, String size) throws IOException {
        reject(response, size, limit);
    }

    private static void reject(HttpServletResponse response, String size, long limit) throws IOException {
        response.setStatus(413); // Content Too Large (RFC 9110)
        response.setHeader("Connection", "close");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        String json = "{\"type\":\"about:blank\",\"title\":\"Request body too large\",\"status\":413,"
                + "\"detail\":\"the request body has " + size + "; the limit is " + limit + " bytes\","
                + "\"limitBytes\":" + limit + "}";
        response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
        // out now: a client waiting for "100 Continue" must see the refusal before the body is (not) sent
        response.flushBuffer();
    }

    private static byte[] readAtMost(InputStream in, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; total < max && (n = in.read(buffer, 0, (int) Math.min(buffer.length, max - total))) > 0; ) {
            out.write(buffer, 0, n);
            total += n;
        }
        return out.toByteArray();
    }

    /** The request with a body stream that fails once more than {@code max} bytes were read (nothing is buffered). */
    private static final class LimitedBodyRequest extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream limited;

        LimitedBodyRequest(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (limited == null) {
                limited = limit(super.getInputStream());
            }
            return limited;
        }

        private ServletInputStream limit(ServletInputStream in) {
            return new ServletInputStream() {
                private long read;

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    count(b < 0 ? 0 : 1);
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    count(Math.max(n, 0));
                    return n;
                }

                private void count(int n) throws IOException {
                    read += n;
                    if (read > max) {
                        throw new IOException("the upload has more than " + max + " bytes, the limit");
                    }
                }
            };
        }
    }

    /** The request with its (already read) body served from memory. */
    private static final class BufferedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already buffered");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }
    }
}
