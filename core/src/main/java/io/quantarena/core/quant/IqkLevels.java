package io.quantarena.core.quant;

/**
 * The ik level sets, built once on first use (class initialisation is lazy and thread-safe).
 * Each entry is {normal, shifted}; spec/quant-types.md §2.8 gives the index-table limits.
 */
final class IqkLevels {

    static final NonLinearLevels[] IQ2 = NonLinearLevels.pair(IqkTables.IQ2NL_VALUES, null, 0, false);
    static final NonLinearLevels[] IQ3 = NonLinearLevels.pair(IqkTables.IQ3NL_VALUES, IqkTables.IQ3NL_INDEX, 111, false);
    static final NonLinearLevels[] IQ4 = NonLinearLevels.pair(IqkTables.IQ4K_VALUES, IqkTables.IQ4NL_INDEX, 241, false);
    static final NonLinearLevels[] IQ5 = NonLinearLevels.pair(IqkTables.IQ5NL_VALUES, IqkTables.IQ5NL_INDEX, 247, false);
    static final NonLinearLevels[] IQ6 = NonLinearLevels.pair(IqkTables.IQ6NL_VALUES, IqkTables.IQ6NL_INDEX, 249, true);

    private IqkLevels() {
    }
}
