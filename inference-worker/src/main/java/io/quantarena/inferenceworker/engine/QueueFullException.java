package io.quantarena.inferenceworker.engine;

/** Every slot is busy and the waiting queue is full: the client should retry later. */
public final class QueueFullException extends RuntimeException {

    public QueueFullException(String model, int queued) {
        super("model " + model + " is busy: all slots are generating and " + queued
                + " requests are already waiting; retry later");
    }
}
