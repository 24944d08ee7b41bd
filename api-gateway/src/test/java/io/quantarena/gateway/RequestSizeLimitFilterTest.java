package io.quantarena.gateway;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RequestSizeLimitFilterTest {

    private final RequestSizeLimitFilter filter = new RequestSizeLimitFilter(new GatewayProperties("http://x", 10));

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
