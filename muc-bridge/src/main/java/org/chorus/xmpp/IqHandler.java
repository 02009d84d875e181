package org.chorus.xmpp;

import java.util.concurrent.CompletionStage;
import org.xmpp.packet.IQ;

/** Answers IQ requests of one namespace. Runs on the signalling thread; the answer may come later. */
@FunctionalInterface
public interface IqHandler {
    /** The reply to send: a result or an error, never null. */
    CompletionStage<IQ> handle(IQ request);
}
