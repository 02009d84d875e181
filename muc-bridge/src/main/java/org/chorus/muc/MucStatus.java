package org.chorus.muc;

/** MUC status codes (XEP-0045 §15.6) that the gateway acts on. */
public final class MucStatus {
    private MucStatus() {}

    public static final int NON_ANONYMOUS = 100;
    public static final int CONFIG_CHANGED = 104;
    public static final int SELF = 110;
    public static final int NOW_LOGGING = 170;
    public static final int NOW_NOT_LOGGING = 171;
    public static final int NOW_NON_ANONYMOUS = 172;
    public static final int NOW_SEMI_ANONYMOUS = 173;
    public static final int ROOM_CREATED = 201;
    public static final int BANNED = 301;
    public static final int NICK_CHANGED = 303;
    public static final int KICKED = 307;
    public static final int AFFILIATION_CHANGED = 321;
    public static final int MEMBERS_ONLY = 322;
    public static final int SHUTDOWN = 332;

    /** Whether a code says that the room's configuration may have changed. */
    public static boolean signalsConfigChange(int code) {
        return code == CONFIG_CHANGED || (code >= NOW_LOGGING && code <= 174);
    }
}
