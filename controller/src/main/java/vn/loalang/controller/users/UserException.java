package vn.loalang.controller.users;

import vn.loalang.controller.change.ChangeException;

/** A change to the users that cannot be made, with the field at fault (null when not about one field). */
public final class UserException extends ChangeException {
    public UserException(Kind kind, String field, String message) {
        super(kind, field, message);
    }
}
