package org.chorus.command;

import java.util.concurrent.CompletionStage;
import org.chorus.muc.Room;
import org.dom4j.Element;
import org.xmpp.packet.IQ;

/** One XEP-0050 command on a conference JID, run by an owner or admin of the room. */
public interface AdHocCommand {
    /** The command's node, e.g. {@code chorus:record}. */
    String node();

    /** Its human name, for disco#items. */
    String name();

    /** The form to fill in (a {@code jabber:x:data} {@code x} of type {@code form}). */
    Element form(Room room);

    /**
     * Runs the command with a submitted form; completes, on the signalling thread, with the
     * completed reply, or an error (a bad field value gives {@code bad-request} with a text naming
     * the field). A command that must wait (a lookup) completes later.
     */
    CompletionStage<IQ> submit(IQ request, Room room, CommandForm submitted);
}
