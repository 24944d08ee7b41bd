package io.quantarena.core.cli;

/** A command-line mistake (unknown option, missing argument, bad value): printed as one line, exit code 2. */
public final class CliException extends RuntimeException {

    public CliException(String message) {
        super(message);
    }
}
