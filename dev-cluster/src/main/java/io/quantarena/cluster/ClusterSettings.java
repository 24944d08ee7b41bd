package io.quantarena.cluster;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the local cluster's parts listen and keep their files. Port 0 picks a free port.
 *
 * @param datasetsDir     calibration texts (imatrix jobs) and evaluation texts (evaluate jobs)
 * @param extraProperties added to every service (e.g. test overrides)
 */
public record ClusterSettings(int gatewayPort, int jobServicePort, int quantWorkerPort, int evalWorkerPort,
                              int inferenceWorkerPort, Path modelsDir, Path storeDir, Path datasetsDir,
                              Map<String, Object> extraProperties) {

    /** The fixed ports of {@code ./quantarena up}. */
    public static ClusterSettings localDefaults(Path modelsDir, Path storeDir, Path datasetsDir) {
        return new ClusterSettings(8080, 8081, 8082, 8083, 8084, modelsDir, storeDir, datasetsDir, Map.of());
    }

    /** Free ports everywhere, for tests. */
    public static ClusterSettings randomPorts(Path modelsDir, Path storeDir, Path datasetsDir, Map<String, Object> extraProperties) {
        return new ClusterSettings(0, 0, 0, 0, 0, modelsDir, storeDir, datasetsDir, extraProperties);
    }

    /** Free ports everywhere, for tests; datasets in {@code data/} beside the models directory (the shared layout). */
    public static ClusterSettings randomPorts(Path modelsDir, Path storeDir, Map<String, Object> extraProperties) {
        return new ClusterSettings(0, 0, 0, 0, 0, modelsDir, storeDir, modelsDir.resolveSibling("data"), extraProperties);
    }

    int port(ServiceKind kind) {
        return switch (kind) {
            case API_GATEWAY -> gatewayPort;
            case JOB_SERVICE -> jobServicePort;
            case QUANT_WORKER -> quantWorkerPort;
            case EVAL_WORKER -> evalWorkerPort;
            case INFERENCE_WORKER -> inferenceWorkerPort;
        };
    }
}
