package io.quantarena.core.quant;

import java.util.Arrays;

/**
 * The scale search shared by the IQ2_S, IQ3_XXS and IQ3_S encoders (spec/quant-types.md §8.4–§8.6)
 * on one sub-block of magnitudes xval: for the inverse scales (2·kMaxQ − 1 + is·step)/max,
 * is = −range…range, the codes of every group ({@link LatticeGrid#searchGroup}: nearest grid point
 * or best neighbour) and their least-squares fit (§2.9), keeping the best; then the groups that
 * needed a neighbour (IQ3_S: all groups) are searched again with the fitted scale and the scale is
 * fitted once more. One instance per encoder: it owns its scratch arrays.
 */
final class LatticeScaleSearch {

    private final LatticeGrid grid;
    private final int n;
    private final int groups;
    private final int kMaxQ;
    private final int range;
    private final float step;
    private final boolean researchAllGroups;
    private final boolean resetOnGrid;

    /** The codes of the chosen candidate after {@link #search}, all on the grid. */
    final int[] codes;
    private final int[] candidate;
    private final boolean[] onGrid;
    private final boolean[] candidateOnGrid;
    private final float[] fit = new float[2];

    /**
     * @param n                 elements per sub-block (a multiple of the grid's dimension)
     * @param researchAllGroups after the search, search every group again with the fitted scale
     *                          (IQ3_S), not only those that needed a neighbour
     * @param resetOnGrid       forget which groups were on the grid at the start of each search;
     *                          IQ3_XXS never did, which only matters for a sub-block where no
     *                          candidate is accepted (all its weights zero), so it stays so
     */
    LatticeScaleSearch(LatticeGrid grid, int n, int kMaxQ, int range, float step, boolean researchAllGroups,
                       boolean resetOnGrid) {
        this.grid = grid;
        this.n = n;
        this.groups = n / grid.dim;
        this.kMaxQ = kMaxQ;
        this.range = range;
        this.step = step;
        this.researchAllGroups = researchAllGroups;
        this.resetOnGrid = resetOnGrid;
        this.codes = new int[n];
        this.candidate = new int[n];
        this.onGrid = new boolean[groups];
        this.candidateOnGrid = new boolean[groups];
    }

    /**
     * Searches the scale of {@code xval[0 … n)} (largest value {@code max} > 0) with weights
     * {@code w} and their square roots {@code waux}; leaves the codes in {@link #codes} and
     * returns the scale (negative when the fit prefers flipped signs).
     */
    float search(float[] xval, float[] w, float[] waux, float max) {
        int dim = grid.dim;
        float best = 0;
        float scale = max / (2 * kMaxQ - 1);
        if (resetOnGrid) {
            Arrays.fill(onGrid, false);
        }
        for (int is = -range; is <= range; is++) {
            float id = (2 * kMaxQ - 1 + is * step) / max;
            float thisScale = 1 / id;
            for (int k = 0; k < groups; k++) {
                candidateOnGrid[k] = grid.searchGroup(id, thisScale, xval, waux, dim * k, kMaxQ - 1, candidate) >= 0;
            }
            LatticeQuantMath.latticeFit(w, xval, candidate, n, fit);
            if (fit[1] > 0 && fit[0] * fit[0] > best * fit[1]) {
                scale = fit[0] / fit[1];
                best = scale * fit[0];
                System.arraycopy(candidate, 0, codes, 0, n);
                System.arraycopy(candidateOnGrid, 0, onGrid, 0, groups);
            }
        }
        boolean anyOffGrid = false;
        for (int k = 0; k < groups; k++) {
            anyOffGrid |= !onGrid[k];
        }
        if (anyOffGrid && scale > 0) {
            float id = 1 / scale;
            for (int k = 0; k < groups; k++) {
                if (researchAllGroups || !onGrid[k]) {
                    grid.searchGroup(id, scale, xval, waux, dim * k, kMaxQ - 1, codes);
                }
            }
            LatticeQuantMath.latticeFit(w, xval, codes, n, fit);
            if (fit[1] > 0) {
                scale = fit[0] / fit[1];
            }
        }
        return scale;
    }
}
