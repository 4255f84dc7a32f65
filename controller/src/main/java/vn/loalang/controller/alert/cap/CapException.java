package vn.loalang.controller.alert.cap;

/**
 * A CAP message refused, with the element at fault and what is wrong with it, e.g.
 * {@code info[1].urgency: 'Soon' is not one of Immediate, Expected, Future, Past, Unknown}. Element
 * paths count from 1, as XPath does. Nothing of a refused message is kept or broadcast.
 */
public final class CapException extends Exception {
    private final String element;

    /** A problem with one element; {@code element} is its path, e.g. {@code info[1].area[2].polygon[1]}. */
    public CapException(String element, String problem) {
        super(element + ": " + problem);
        this.element = element;
    }

    /** A problem with the message as a whole: too large, not XML, a DTD. */
    public CapException(String problem) {
        super(problem);
        this.element = null;
    }

    /** The path of the element at fault, or null when the message as a whole is refused. */
    public String element() {
        return element;
    }
}
