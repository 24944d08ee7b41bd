package io.quantarena.inferenceworker.openai;

/**
 * A refused request, answered with the OpenAI error body
 * {@code {"error":{"message","type","param","code"}}} and {@code status}.
 */
public final class OpenAiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public OpenAiException(int status, String message, String type, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static OpenAiException invalid(String param, String message) {
        return new OpenAiException(400, message, "invalid_request_error", param, "invalid_value");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
