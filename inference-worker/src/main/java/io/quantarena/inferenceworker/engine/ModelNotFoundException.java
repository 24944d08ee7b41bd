package io.quantarena.inferenceworker.engine;

import java.util.List;

/** A request named a model the catalog does not have. */
public final class ModelNotFoundException extends RuntimeException {

    public ModelNotFoundException(String name, List<String> available) {
        super("model '" + name + "' does not exist; available: " + String.join(", ", available));
    }
}
