package io.quantarena.gateway;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestSizeLimitFilterTest {

    private final RequestSizeLimitFilter filter = new RequestSizeLimitFilter(new GatewayProperties("http://x", 10, 0));

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedWithProblemJson() throws Exception {
        MockHttpServletRequest request = post("01234567890");
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        filter.doFilter(request, response, chain);

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(response.getContentAsString()).contains("\"status\":413").contains("limit is 10 bytes");
        assertThat(chain.getRequest()).isNull();
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedAndOneWithinIsPassedOnIntact() throws Exception {
        MockHttpServletRequest big = post("01234567890");
        big.addHeader("Transfer-Encoding", "chunked");
        big.removeHeader("Content-Length");
        MockHttpServletResponse refused = new MockHttpServletResponse();
        filter.doFilter(withoutLength(big), refused, new MockFilterChain());
        assertThat(refused.getStatus()).isEqualTo(413);

        MockHttpServletRequest small = post("0123456789");
        small.addHeader("Transfer-Encoding", "chunked");
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(withoutLength(small), new MockHttpServletResponse(), chain);
        HttpServletRequest passed = (HttpServletRequest) chain.getRequest();
        assertThat(new String(passed.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("0123456789");
        assertThat(passed.getContentLengthLong()).isEqualTo(10);
    }

    @Test
    void bodiesWithinTheLimitPass() throws Exception {
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(post("0123456789"), response, chain);
        assertThat(chain.getRequest()).isNotNull();
        assertThat(response.getStatus()).isEqualTo(200);
    }

    @Test
    void communityUploadsHaveTheirOwnLargerLimitAndAreStreamedNotBuffered() throws Exception {
        RequestSizeLimitFilter uploads = new RequestSizeLimitFilter(new GatewayProperties("http://x", 10, 20));

        MockHttpServletRequest withinUploadLimit = upload("0123456789012345");
        MockFilterChain passed = new MockFilterChain();
        uploads.doFilter(withinUploadLimit, new MockHttpServletResponse(), passed);
        assertThat(passed.getRequest()).isSameAs(withinUploadLimit);

        MockHttpServletResponse refused = new MockHttpServletResponse();
        uploads.doFilter(upload("012345678901234567890"), refused, new MockFilterChain());
        assertThat(refused.getStatus()).isEqualTo(413);
        assertThat(refused.getContentAsString()).contains("limit is 20 bytes");

        // chunked: passed on at once as a stream that fails past the limit
        MockHttpServletRequest chunked = upload("0123456789012345678901234");
        chunked.addHeader("Transfer-Encoding", "chunked");
        MockFilterChain streamed = new MockFilterChain();
        uploads.doFilter(withoutLength(chunked), new MockHttpServletResponse(), streamed);
        HttpServletRequest forwarded = (HttpServletRequest) streamed.getRequest();
        byte[] first = new byte[20];
        assertThat(forwarded.getInputStream().read(first, 0, 20)).isEqualTo(20);
        assertThatThrownBy(() -> forwarded.getInputStream().read(new byte[10], 0, 10))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("more than 20 bytes");
    }

    @Test
    void onlyPostsToAModelsQuantsAreUploads() {
        MockHttpServletRequest get = new MockHttpServletRequest("GET", "/api/models/m/quants");
        MockHttpServletRequest other = new MockHttpServletRequest("POST", "/api/models/m/quants/extra");
        assertThat(RequestSizeLimitFilter.isUpload(upload("x"))).isTrue();
        assertThat(RequestSizeLimitFilter.isUpload(get)).isFalse();
        assertThat(RequestSizeLimitFilter.isUpload(other)).isFalse();
        assertThat(RequestSizeLimitFilter.isUpload(post("x"))).isFalse();
    }

    private static MockHttpServletRequest upload(String body) {
        MockHttpServletRequest r = new MockHttpServletRequest("POST", "/api/models/tiny-llama/quants");
        r.setContent(body.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private static MockHttpServletRequest post(String body) {
        MockHttpServletRequest r = new MockHttpServletRequest("POST", "/api/jobs/quantize");
        r.setContent(body.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    /** MockHttpServletRequest derives a length from its content; a chunked request has none. */
    private static HttpServletRequest withoutLength(MockHttpServletRequest r) {
        return new jakarta.servlet.http.HttpServletRequestWrapper(r) {
            @Override
            public long getContentLengthLong() {
                return -1;
            }

            @Override
            public int getContentLength() {
                return -1;
            }
        };
    }
}
