package vn.loalang.controller.content;

/** A recording the {@link AudioConverter} could not convert, with the converter's own reason. */
public final class ConversionException extends Exception {
    public ConversionException(String message) {
        super(message);
    }

    public ConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
