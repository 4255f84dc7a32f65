package vn.loalang.controller.store;

/** The store could not do what was asked; the message names the file, so an operator knows where to look. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
