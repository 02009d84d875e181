package org.chorus.media.ice;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** One leg's ICE (RFC 8445 full agent, RFC 7675 consent). NOT thread-safe: the owner serializes calls. */
public final class IceAgent {

    /** Where the agent's STUN messages go; called synchronously from inside agent methods. Must not block. */
    public interface Wire {
        void send(byte[] buffer, int offset, int length, InetSocketAddress to);
    }

    /** Called synchronously from inside agent methods when the state or the selected pair changes. */
    public interface Events {
        void stateChanged(IceSession.State from, IceSession.State to);
    }

    /** The agent's fixed settings. */
    public record Config(boolean controlling, String localUfrag, String localPassword,
                         List<InetSocketAddress> localAddresses,
                         Duration connectTimeout,
                         Duration consentInterval,
                         Duration consentDisconnectedAfter,
                         Duration consentTimeout) {
    }

    public IceAgent(Config config, Wire wire, Events events, RandomGenerator random) {
        throw new UnsupportedOperationException("not yet");
    }

    public void setRemoteCredentials(String ufrag, String password) {
        throw new UnsupportedOperationException("not yet");
    }

    public void addRemoteCandidate(InetSocketAddress address, long priority) {
        throw new UnsupportedOperationException("not yet");
    }

    public void start(long nowNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    public void receiveStun(byte[] buffer, int offset, int length, InetSocketAddress from, long nowNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    public long tick(long nowNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    public IceSession.State state() {
        throw new UnsupportedOperationException("not yet");
    }

    public Optional<IceSession.FailureCause> failureCause() {
        throw new UnsupportedOperationException("not yet");
    }

    public InetSocketAddress selectedRemote() {
        throw new UnsupportedOperationException("not yet");
    }

    public boolean knowsRemote(InetSocketAddress from) {
        throw new UnsupportedOperationException("not yet");
    }

    public void close() {
        throw new UnsupportedOperationException("not yet");
    }
}
