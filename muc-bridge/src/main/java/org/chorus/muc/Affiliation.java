package org.chorus.muc;

import java.util.Locale;

/** A MUC affiliation (XEP-0045 §5.2). */
public enum Affiliation {
    OWNER, ADMIN, MEMBER, NONE, OUTCAST;

    public static Affiliation fromXmpp(String value) {
        if (value == null) {
            return NONE;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return NONE;
        }
    }

    /** Members, admins and owners may call (PROTOCOL.md §3). */
    public boolean mayCall() {
        return this == OWNER || this == ADMIN || this == MEMBER;
    }

    /** Owners and admins may run the conference's commands (PROTOCOL.md §8). */
    public boolean mayConfigure() {
        return this == OWNER || this == ADMIN;
    }

    public String toXmpp() {
        return name().toLowerCase(Locale.ROOT);
    }
}
