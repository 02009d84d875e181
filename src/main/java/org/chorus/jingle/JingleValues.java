package org.chorus.jingle;

/**
 * The attribute value parsing that {@link JingleReader} and {@link JingleElementReader} share: both
 * read the same attributes, one from jitsi-xmpp-extensions' classes and one from dom4j elements, and
 * must answer with the same errors. Each takes the attribute's value (null when absent).
 */
final class JingleValues {
    private JingleValues() {
    }

    /** An SSRC: a number from 0 to {@link Source#MAX_SSRC}. */
    static long parseSsrc(String value, String where) throws MalformedJingleException {
        long ssrc = parseLong(value, "ssrc in " + where);
        if (ssrc < 0 || ssrc > Source.MAX_SSRC) {
            throw new MalformedJingleException("ssrc out of range in " + where + ": " + shorten(value));
        }
        return ssrc;
    }

    /** The value of a required attribute; {@link IllegalArgumentException} when it is absent or empty. */
    static String required(String value, String attribute) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("no " + attribute);
        }
        return value;
    }

    /** The number in an optional attribute, or null; {@link IllegalArgumentException} when it is not a number. */
    static Integer optionalInt(String value, String attribute) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(attribute + " is not a number: " + shorten(value), e);
        }
    }

    static int parseInt(String value, String what) throws MalformedJingleException {
        if (value == null) {
            throw new MalformedJingleException("missing " + what);
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new MalformedJingleException(what + " is not a number: " + shorten(value), e);
        }
    }

    static long parseLong(String value, String what) throws MalformedJingleException {
        if (value == null) {
            throw new MalformedJingleException("missing " + what);
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new MalformedJingleException(what + " is not a number: " + shorten(value), e);
        }
    }

    static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** A value as an error message quotes it: at most 40 characters, "?" when absent. */
    static String shorten(String value) {
        if (value == null) {
            return "?";
        }
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
