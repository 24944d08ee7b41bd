package io.quantarena.gateway;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Answers "Expect: 100-continue" only when the body is really read. Tomcat's default sends the 100 at
 * once, so a client would start sending an upload that {@link RequestSizeLimitFilter} then refuses
 * unread; this way the client gets the 413 before it sends a byte of the body.
 */
@Configuration
public class ContinueOnRead {

    @Bean
    public TomcatConnectorCustomizer continueResponseOnRead() {
        return connector -> connector.setProperty("continueResponseTiming", "onRead");
    }
}
