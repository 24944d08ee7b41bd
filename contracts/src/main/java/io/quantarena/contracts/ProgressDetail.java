package io.quantarena.contracts;

/**
 * What a worker is doing right now, with a PROGRESS event.
 *
 * @param current      the item in work or just done: a tensor name, a chunk
 * @param done         items done
 * @param total        items in all
 * @param bytesWritten output bytes written so far, or null where nothing is written as it goes
 * @param runningValue a running number such as the perplexity so far, or null
 */
public record ProgressDetail(String current, int done, int total, Long bytesWritten, Double runningValue) {
}
