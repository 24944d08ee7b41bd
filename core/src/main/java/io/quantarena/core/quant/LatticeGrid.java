package io.quantarena.core.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The quantizer's view of one lattice grid (spec/quant-types.md §8.1, {@code iq2xs_init_impl} /
 * {@code iq3xs_init_impl}): the integer code of every coordinate of every grid point, a map
 * from a packed code word u to the grid point it names, and, for the words that name no grid
 * point, the list of nearest grid points the lattice searches choose from.
 *
 * <p>Immutable after construction, so one instance is shared by all threads (see
 * {@link LatticeGrids} for the lazily built instances).
 */
final class LatticeGrid {

    /** Coordinates per grid point (8 or 4). */
    final int dim;
    /** Bits per coordinate code in a packed word u (2 or 3). */
    final int bits;
    /** Number of grid points. */
    final int size;
    /** codes[dim·k + i] = code c of coordinate i of point k; the lattice coordinate is 2c+1. */
    final byte[] codes;
    /** The lattice coordinates 2c+1 as floats, for the neighbour distances. */
    private final float[] coordinates;

    /** u → grid index (≥ 0), or −(start + 1) of its list in {@link #neighbours}; NO_POINT for words never looked up. */
    private final int[] map;
    /** Concatenated lists {@code [count, idx_1, …, idx_count]}, grid points ordered by (distance², index). */
    private final short[] neighbours;

    /**
     * The neighbour lists' coordinates transposed for {@link #bestNeighbour}: coordinate i of the
     * point at list position p is {@code listCoordinates[i·stride + p]} (0 at the count positions;
     * {@link #PAD} zeros after the last list, so that full-width loads past a list's end stay in
     * the array).
     */
    private final float[] listCoordinates;
    private final int stride;

    private static final int NO_POINT = Integer.MIN_VALUE;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int PAD = F.length();

    /**
     * Builds the grid from a dequantization table: {@code entryBytes} holds {@code size} entries of
     * {@code dim} bytes (tables/README.md byte order); {@code codeOf} maps a byte (as unsigned
     * 0…255) to its lattice code, or −1 if it cannot occur. Codes above {@code maxCode} never
     * appear in searched words (the searches clamp), so no neighbour lists are built for them.
     *
     * @param nwant number of distinct nearest distances whose points are kept in a neighbour list
     */
    LatticeGrid(String name, byte[] entryBytes, int dim, int bits, int maxCode, int[] codeOf, int nwant) {
        this.dim = dim;
        this.bits = bits;
        this.size = entryBytes.length / dim;
        this.codes = new byte[entryBytes.length];
        int mask = (1 << bits) - 1;
        int mapSize = 1 << (bits * dim);
        this.map = new int[mapSize];
        Arrays.fill(map, NO_POINT);
        for (int k = 0; k < size; k++) {
            int u = 0;
            for (int i = 0; i < dim; i++) {
                int c = codeOf[entryBytes[dim * k + i] & 0xFF];
                if (c < 0 || c > maxCode) {
                    throw new IllegalStateException("lattice grid " + name + ": entry " + k + " coordinate " + i
                            + " has byte " + (entryBytes[dim * k + i] & 0xFF) + ", which is no lattice code");
                }
                codes[dim * k + i] = (byte) c;
                u |= c << (bits * i);
            }
            if (map[u] != NO_POINT) {
                throw new IllegalStateException("lattice grid " + name + ": entries " + map[u] + " and " + k + " are equal");
            }
            map[u] = k;
        }
        this.coordinates = new float[codes.length];
        for (int i = 0; i < codes.length; i++) {
            coordinates[i] = 2 * codes[i] + 1;
        }
        this.neighbours = buildNeighbours(mask, maxCode, nwant);
        this.stride = neighbours.length + PAD;
        this.listCoordinates = new float[dim * stride];
        for (int start = 0; start < neighbours.length; start += neighbours[start] + 1) {
            for (int n = 1; n <= neighbours[start]; n++) {
                int k = neighbours[start + n];
                for (int i = 0; i < dim; i++) {
                    listCoordinates[i * stride + start + n] = coordinates[dim * k + i];
                }
            }
        }
    }

    private short[] buildNeighbours(int mask, int maxCode, int nwant) {
        // squared distances split into two half-words: d2(u, k) = H[u_lo][k_lo] + H[u_hi][k_hi]
        int halfDim = dim / 2;
        int halfBits = bits * halfDim;
        int halfSize = 1 << halfBits;
        int[] halfDistance = new int[halfSize * halfSize];
        for (int a = 0; a < halfSize; a++) {
            for (int b = 0; b < halfSize; b++) {
                int s = 0;
                for (int i = 0; i < halfDim; i++) {
                    int diff = 2 * (((a >>> (bits * i)) & mask) - ((b >>> (bits * i)) & mask));
                    s += diff * diff;
                }
                halfDistance[a * halfSize + b] = s;
            }
        }
        int[] lo = new int[size];
        int[] hi = new int[size];
        for (int k = 0; k < size; k++) {
            int u = 0;
            for (int i = 0; i < dim; i++) {
                u |= codes[dim * k + i] << (bits * i);
            }
            lo[k] = u & (halfSize - 1);
            hi[k] = u >>> halfBits;
        }
        int maxDistance = 2 * Arrays.stream(halfDistance).max().orElse(0);
        int[] count = new int[maxDistance + 1];
        int[] next = new int[maxDistance + 1];
        int[] d2 = new int[size];
        short[] lists = new short[1 << 16];
        int used = 0;
        for (int u = 0; u < map.length; u++) {
            if (map[u] != NO_POINT || !allCodesAtMost(u, mask, maxCode)) {
                continue;
            }
            int rowLo = (u & (halfSize - 1)) * halfSize;
            int rowHi = (u >>> halfBits) * halfSize;
            for (int k = 0; k < size; k++) {
                int d = halfDistance[rowLo + lo[k]] + halfDistance[rowHi + hi[k]];
                d2[k] = d;
                count[d]++;
            }
            // the nwant smallest distinct distances; list order = (distance, index), by bucket offsets
            int start = used;
            int listed = 0;
            int threshold = -1;
            int distinct = 0;
            for (int d = 0; d <= maxDistance && distinct < nwant; d++) {
                if (count[d] > 0) {
                    next[d] = start + 1 + listed;
                    listed += count[d];
                    threshold = d;
                    distinct++;
                }
            }
            if (used + 1 + listed > lists.length) {
                lists = Arrays.copyOf(lists, Math.max(2 * lists.length, used + 1 + listed));
            }
            lists[start] = (short) listed;
            for (int k = 0; k < size; k++) {
                int d = d2[k];
                if (d <= threshold) {
                    lists[next[d]++] = (short) k;
                }
            }
            Arrays.fill(count, 0);
            used = start + 1 + listed;
            map[u] = -(start + 1);
        }
        return Arrays.copyOf(lists, used);
    }

    private boolean allCodesAtMost(int u, int mask, int maxCode) {
        for (int i = 0; i < dim; i++) {
            if (((u >>> (bits * i)) & mask) > maxCode) {
                return false;
            }
        }
        return true;
    }

    /** The grid point whose codes are packed in {@code u}, or −1 if u names no grid point. */
    int indexOf(int u) {
        int m = map[u];
        return m >= 0 ? m : -1;
    }

    /** Whether the off-grid word u has a neighbour list (the searches only look up such words). */
    boolean hasNeighbourList(int u) {
        int m = map[u];
        return m < 0 && m != NO_POINT;
    }

    /** Start of the neighbour list of an off-grid word u in {@link #neighbourList()}: list[start] is the count. */
    int neighbourStart(int u) {
        int m = map[u];
        if (m >= 0 || m == NO_POINT) {
            throw new IllegalArgumentException("lattice word " + u + " has no neighbour list (map value " + m + ")");
        }
        return -m - 1;
    }

    /** The concatenated neighbour lists (read only). */
    short[] neighbourList() {
        return neighbours;
    }

    /**
     * The codes of one group of {@link #dim} magnitudes for the inverse scale {@code id} (the
     * shared step of the IQ2/IQ3 searches, §8.2–§8.6): the nearest lattice codes
     * clamp(nearest_int(0.5·(id·xval − 1)), 0, maxCode) if they form a grid point, otherwise the
     * codes of {@link #bestNeighbour the best neighbour} for {@code scale}. The codes are written
     * to {@code codes[off …]}.
     *
     * @return the grid index when the nearest codes were on the grid, else the bitwise
     *         complement (negative) of the chosen neighbour's index
     */
    int searchGroup(float id, float scale, float[] xval, float[] waux, int off, int maxCode, int[] codes) {
        int u = 0;
        for (int i = 0; i < dim; i++) {
            int c = QuantMath.oddLevel(id, xval[off + i], maxCode);
            codes[off + i] = c;
            u |= c << (bits * i);
        }
        int index = indexOf(u);
        if (index >= 0) {
            return index;
        }
        index = bestNeighbour(u, xval, off, waux, off, scale);
        for (int i = 0; i < dim; i++) {
            codes[off + i] = this.codes[dim * index + i];
        }
        return ~index;
    }

    /**
     * {@code iq2_find_best_neighbour} / {@code iq3_find_best_neighbour} (§8.1): among the
     * neighbours of the off-grid word u, the grid point minimising Σ waux_i·(scale·(2c_i+1) − xval_i)²
     * (strict <, first in list order wins).
     *
     * <p>Fused as the reference binary evaluates it (§1.1 "scalar acc += p·q fused"):
     * diff = fma(scale, q, −xval), d2 = fma(waux·diff, diff, d2). Measured: without it one
     * IQ2_S block of the reference vectors (plain, row 4) picks a different neighbour.
     */
    int bestNeighbour(int u, float[] xval, int xOff, float[] waux, int wOff, float scale) {
        int start = neighbourStart(u);
        int count = neighbours[start];
        // one lane per neighbour, each lane the scalar loop's exact operations (the same fused
        // multiply-adds in the same coordinate order), so the distances are bit for bit the same;
        // the first minimum in list order is the strict-< winner of the scalar scan
        int lanes = F.length();
        float best = Float.MAX_VALUE;
        int bestIndex = -1;
        FloatVector inf = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        for (int n0 = 0; n0 < count; n0 += lanes) {
            int p = start + 1 + n0;
            FloatVector d2 = FloatVector.zero(F);
            for (int i = 0; i < dim; i++) {
                FloatVector diff = FloatVector.fromArray(F, listCoordinates, i * stride + p)
                        .fma(FloatVector.broadcast(F, scale), FloatVector.broadcast(F, -xval[xOff + i]));
                d2 = diff.mul(waux[wOff + i]).fma(diff, d2);
            }
            VectorMask<Float> live = F.indexInRange(n0, count);
            d2 = inf.blend(d2, live);
            float min = d2.reduceLanes(VectorOperators.MIN);
            if (min < best) {
                best = min;
                bestIndex = neighbours[p + d2.compare(VectorOperators.EQ, min).firstTrue()];
            }
        }
        return bestIndex;
    }

    /** The scalar form of {@link #bestNeighbour} (the specification; tests compare the two). */
    int bestNeighbourScalar(int u, float[] xval, int xOff, float[] waux, int wOff, float scale) {
        int start = neighbourStart(u);
        int count = neighbours[start];
        float best = Float.MAX_VALUE;
        int bestIndex = -1;
        for (int n = 1; n <= count; n++) {
            int k = neighbours[start + n];
            float d2 = 0;
            for (int i = 0; i < dim; i++) {
                float diff = Math.fma(scale, coordinates[dim * k + i], -xval[xOff + i]);
                d2 = Math.fma(waux[wOff + i] * diff, diff, d2);
            }
            if (d2 < best) {
                best = d2;
                bestIndex = k;
            }
        }
        return bestIndex;
    }

    /**
     * The IQ1 neighbour search (§8.7 step 5): among the neighbours of u, the grid point minimising
     * Σ w_i·(scale·xx[c_i] − x_i)² with the signed x and the shifted values xx (strict <, first wins).
     * Unlike {@link #bestNeighbour} the products are rounded, not fused: the IQ1 reference rows
     * match both, other inputs do not, so each keeps the form it was written with.
     */
    int bestNeighbourIq1(int u, float[] x, int xOff, float[] w, int wOff, float scale, float[] xx) {
        int start = neighbourStart(u);
        int count = neighbours[start];
        // lanes as in bestNeighbour; a lane's value xx[c] is chosen by its coordinate 2c+1 (1, 3 or 5)
        int lanes = F.length();
        float best = Float.MAX_VALUE;
        int bestIndex = -1;
        FloatVector inf = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        FloatVector xx0 = FloatVector.broadcast(F, xx[0]), xx1 = FloatVector.broadcast(F, xx[1]);
        FloatVector xx2 = FloatVector.broadcast(F, xx[2]);
        for (int n0 = 0; n0 < count; n0 += lanes) {
            int p = start + 1 + n0;
            FloatVector d2 = FloatVector.zero(F);
            for (int i = 0; i < dim; i++) {
                FloatVector coordinate = FloatVector.fromArray(F, listCoordinates, i * stride + p);
                FloatVector value = xx2.blend(xx1, coordinate.compare(VectorOperators.EQ, 3f))
                        .blend(xx0, coordinate.compare(VectorOperators.EQ, 1f));
                FloatVector diff = value.mul(scale).sub(x[xOff + i]);
                d2 = d2.add(diff.mul(w[wOff + i]).mul(diff));
            }
            VectorMask<Float> live = F.indexInRange(n0, count);
            d2 = inf.blend(d2, live);
            float min = d2.reduceLanes(VectorOperators.MIN);
            if (min < best) {
                best = min;
                bestIndex = neighbours[p + d2.compare(VectorOperators.EQ, min).firstTrue()];
            }
        }
        return bestIndex;
    }

    /** The scalar form of {@link #bestNeighbourIq1} (the specification; tests compare the two). */
    int bestNeighbourIq1Scalar(int u, float[] x, int xOff, float[] w, int wOff, float scale, float[] xx) {
        int start = neighbourStart(u);
        int count = neighbours[start];
        float best = Float.MAX_VALUE;
        int bestIndex = -1;
        for (int n = 1; n <= count; n++) {
            int k = neighbours[start + n];
            float d2 = 0;
            for (int i = 0; i < dim; i++) {
                float diff = scale * xx[codes[dim * k + i]] - x[xOff + i];
                d2 += w[wOff + i] * diff * diff;
            }
            if (d2 < best) {
                best = d2;
                bestIndex = k;
            }
        }
        return bestIndex;
    }

    /**
     * The grid index of the codes at {@code codes[off …]}, which the searches always leave on
     * the grid; a word off the grid is a bug and fails loudly (the reference aborts too).
     */
    int indexOfCodes(int[] codes, int off, String type) {
        int u = 0;
        for (int i = 0; i < dim; i++) {
            u |= codes[off + i] << (bits * i);
        }
        int index = indexOf(u);
        if (index < 0) {
            throw new IllegalStateException(type + ": lattice word " + u + " (codes at " + off + ") is not a grid point");
        }
        return index;
    }
}
