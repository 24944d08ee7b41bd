package io.quantarena.cluster;

import io.quantarena.evalworker.EvalWorkerApplication;
import io.quantarena.gateway.ApiGatewayApplication;
import io.quantarena.inferenceworker.InferenceWorkerApplication;
import io.quantarena.jobs.JobServiceApplication;
import io.quantarena.quantworker.QuantWorkerApplication;

import java.util.List;

/**
 * The services, each with its own configuration file and the auto-configurations it must not get when
 * all services share one class path (in their own images they are simply absent).
 */
public enum ServiceKind {
    JOB_SERVICE("job-service", JobServiceApplication.class, Excludes.GATEWAY),
    API_GATEWAY("api-gateway", ApiGatewayApplication.class, concat(Excludes.DATABASE, Excludes.STREAM, Excludes.THYMELEAF)),
    QUANT_WORKER("quant-worker", QuantWorkerApplication.class, concat(Excludes.GATEWAY, Excludes.DATABASE, Excludes.THYMELEAF)),
    EVAL_WORKER("eval-worker", EvalWorkerApplication.class, concat(Excludes.GATEWAY, Excludes.DATABASE, Excludes.THYMELEAF)),
    INFERENCE_WORKER("inference-worker", InferenceWorkerApplication.class, concat(Excludes.GATEWAY, Excludes.DATABASE, Excludes.THYMELEAF));

    private final String serviceName;
    private final Class<?> application;
    private final List<String> excludedAutoConfigurations;

    ServiceKind(String serviceName, Class<?> application, List<String> excludedAutoConfigurations) {
        this.serviceName = serviceName;
        this.application = application;
        this.excludedAutoConfigurations = excludedAutoConfigurations;
    }

    /** Also the name of its configuration file ({@code <name>.yml}) and its docker-compose service. */
    public String serviceName() {
        return serviceName;
    }

    public Class<?> application() {
        return application;
    }

    public List<String> excludedAutoConfigurations() {
        return excludedAutoConfigurations;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }

    private static final class Excludes {
        static final List<String> GATEWAY = List.of(
                "org.springframework.cloud.gateway.server.mvc.GatewayServerMvcAutoConfiguration",
                "org.springframework.cloud.gateway.server.mvc.GatewayMvcClassPathWarningAutoConfiguration",
                "org.springframework.cloud.gateway.server.mvc.filter.FilterAutoConfiguration",
                "org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctionAutoConfiguration",
                "org.springframework.cloud.gateway.server.mvc.handler.GatewayMultipartAutoConfiguration",
                "org.springframework.cloud.gateway.server.mvc.predicate.PredicateAutoConfiguration",
                "org.springframework.cloud.gateway.server.mvc.config.DefaultFunctionConfiguration");
        static final List<String> DATABASE = List.of(
                "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
                "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration");
        static final List<String> STREAM = List.of(
                "org.springframework.cloud.stream.config.BindersHealthIndicatorAutoConfiguration",
                "org.springframework.cloud.stream.config.ChannelsEndpointAutoConfiguration",
                "org.springframework.cloud.stream.config.BindingsEndpointAutoConfiguration",
                "org.springframework.cloud.stream.config.BindingServiceConfiguration",
                "org.springframework.cloud.stream.function.FunctionConfiguration");
        static final List<String> THYMELEAF = List.of(
                "org.springframework.boot.thymeleaf.autoconfigure.ThymeleafAutoConfiguration");
    }
}
