package io.quantarena.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param jobServiceUrl   where job-service listens (the routes in api-gateway.yml use it)
 * @param maxRequestBytes largest request body accepted; larger ones get 413 before reaching a service
 * @param maxUploadBytes  largest body of a community quant upload ({@code POST /api/models/{base}/quants}),
 *                        which is streamed through, never buffered
 */
@ConfigurationProperties("quantarena.gateway")
public record GatewayProperties(String jobServiceUrl, long maxRequestBytes, long maxUploadBytes) {
    public GatewayProperties {
        if (maxRequestBytes <= 0) {
            maxRequestBytes = 64 * 1024;
        }
        if (maxUploadBytes <= 0) {
            maxUploadBytes = 64L * 1024 * 1024 * 1024;
        }
    }
}
