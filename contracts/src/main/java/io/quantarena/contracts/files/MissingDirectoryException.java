package io.quantarena.contracts.files;

/** A configured directory that does not exist or cannot be created; the message names the property and its value. */
public class MissingDirectoryException extends IllegalStateException {
    public MissingDirectoryException(String message) {
        super(message);
    }
}
