package io.quantarena.core.model;

/** The model architectures this runtime evaluates ({@code general.architecture}). */
public enum Architecture {
    LLAMA("llama"),
    LLAMA4("llama4");

    private final String ggufName;

    Architecture(String ggufName) {
        this.ggufName = ggufName;
    }

    public String ggufName() {
        return ggufName;
    }

    public static Architecture fromGguf(String name) {
        for (Architecture a : values()) {
            if (a.ggufName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unsupported architecture '" + name + "', expected llama or llama4");
    }
}
