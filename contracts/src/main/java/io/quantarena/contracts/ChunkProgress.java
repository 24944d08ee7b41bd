package io.quantarena.contracts;

/**
 * The running numbers of an evaluation after a chunk, carried by PROGRESS events.
 *
 * @param done       chunks evaluated so far
 * @param total      chunks this evaluation runs
 * @param runningPpl perplexity over the chunks done so far
 * @param runningKld mean KL-divergence so far; null without KL-divergence
 */
public record ChunkProgress(int done, int total, double runningPpl, Double runningKld) {
}
