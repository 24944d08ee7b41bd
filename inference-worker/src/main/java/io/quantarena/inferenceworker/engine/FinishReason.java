package io.quantarena.inferenceworker.engine;

/** Why a generation ended, with the OpenAI API's names. */
public enum FinishReason {
    /** an end-of-generation token or a stop string */
    STOP,
    /** max_tokens or the context size reached */
    LENGTH,
    /** the client went away or the job was cancelled */
    CANCELLED;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
