package dev.convt.bench;

/**
 * A mistake of the user's (an unknown option, layer or kernel, a missing or malformed file): the
 * runner prints the message as one line, with no stack trace, and exits with status 2.
 */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message, null, false, false);
    }
}
