package io.quantarena.inferenceworker.engine;

/** Receives a request's progress; called on the scheduler's thread, so implementations must not block. */
public interface GenerationListener {

    /** The request got a slot and its prompt was processed. */
    default void onStart() {
    }

    /** More text (never part of a stop string); may be called with text split mid-word. */
    void onText(String text);

    void onComplete(Completion completion);

    void onError(RuntimeException error);
}
