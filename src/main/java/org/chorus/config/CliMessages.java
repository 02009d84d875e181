package org.chorus.config;

/** Text for the one-line errors the command-line programs print on stderr. */
public final class CliMessages {
    private CliMessages() {}

    /** The message on one line: line breaks and the blanks around them become one space; null becomes "". */
    public static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
