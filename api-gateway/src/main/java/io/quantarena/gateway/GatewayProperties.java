package io.quantarena.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param jobServiceUrl   where job-service listens (the routes in api-gateway.yml use it)
 * @param maxRequestBytes largest request body accepted; larger ones get 413 before reaching a service
 */
@ConfigurationProperties("quantarena.gateway")
public record GatewayProperties(String jobServiceUrl, long maxRequestBytes) {
    public GatewayProperties {
        if (maxRequestBytes <= 0) {
            maxRequestBytes = 64 * 1024;
        }
    }
}
