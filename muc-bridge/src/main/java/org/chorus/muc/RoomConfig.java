package org.chorus.muc;

import java.util.HashSet;
import java.util.Set;
import org.chorus.xmpp.Namespaces;
import org.dom4j.Element;
import org.dom4j.QName;

/** The room properties that decide whether it may carry calls, from its disco#info (PROTOCOL.md §1). */
public record RoomConfig(boolean membersOnly, boolean nonAnonymous, String name) {

    public static RoomConfig fromDiscoInfo(Element query) {
        Set<String> features = new HashSet<>();
        String name = null;
        if (query != null) {
            for (Element f : query.elements("feature")) {
                features.add(f.attributeValue("var"));
            }
            Element identity = query.element("identity");
            if (identity != null) {
                name = identity.attributeValue("name");
            }
            if (query.element(QName.get("x", Namespaces.DATA_FORMS)) != null) {
                name = roomNameFromForm(query.element(QName.get("x", Namespaces.DATA_FORMS)), name);
            }
        }
        return new RoomConfig(features.contains("muc_membersonly"), features.contains("muc_nonanonymous"), name);
    }

    private static String roomNameFromForm(Element form, String fallback) {
        for (Element field : form.elements("field")) {
            if ("muc#roomconfig_roomname".equals(field.attributeValue("var"))) {
                String v = field.elementText("value");
                if (v != null && !v.isBlank()) {
                    return v;
                }
            }
        }
        return fallback;
    }

    /** Calls are only for rooms that are members-only and non-anonymous. */
    public boolean callable() {
        return membersOnly && nonAnonymous;
    }

    /** Why calls are refused here, in words for the room's members; null when they are allowed. */
    public String whyNotCallable() {
        if (callable()) {
            return null;
        }
        if (!membersOnly && !nonAnonymous) {
            return "Calls need a members-only, non-anonymous room; this room is open and anonymous.";
        }
        if (!membersOnly) {
            return "Calls need a members-only room; this room is open to anyone.";
        }
        return "Calls need a non-anonymous room; this room hides its members' addresses.";
    }
}
