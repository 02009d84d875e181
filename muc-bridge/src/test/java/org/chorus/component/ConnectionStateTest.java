package org.chorus.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chorus.component.ConnectionState.BACKING_OFF;
import static org.chorus.component.ConnectionState.CONNECTED;
import static org.chorus.component.ConnectionState.CONNECTING;
import static org.chorus.component.ConnectionState.NEW;
import static org.chorus.component.ConnectionState.STOPPED;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConnectionStateTest {
    private static final Map<ConnectionState, Set<ConnectionState>> LEGAL = Map.of(
            NEW, EnumSet.of(CONNECTING, STOPPED),
            CONNECTING, EnumSet.of(CONNECTED, BACKING_OFF, STOPPED),
            CONNECTED, EnumSet.of(BACKING_OFF, STOPPED),
            BACKING_OFF, EnumSet.of(CONNECTING, STOPPED),
            STOPPED, EnumSet.noneOf(ConnectionState.class));

    @ParameterizedTest
    @EnumSource(ConnectionState.class)
    void exactlyTheDocumentedTransitionsAreLegal(ConnectionState from) {
        for (ConnectionState to : ConnectionState.values()) {
            assertThat(from.canMoveTo(to)).as("%s -> %s", from, to).isEqualTo(LEGAL.get(from).contains(to));
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectionState.class)
    void noStateMovesToItself(ConnectionState state) {
        assertThat(state.canMoveTo(state)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = ConnectionState.class, names = "STOPPED", mode = EnumSource.Mode.EXCLUDE)
    void everyLiveStateCanStop(ConnectionState state) {
        assertThat(state.canMoveTo(STOPPED)).isTrue();
    }

    @Test
    void stoppedIsFinal() {
        assertThat(EnumSet.allOf(ConnectionState.class)).noneMatch(STOPPED::canMoveTo);
    }

    @Test
    void nothingGoesBackToNew() {
        assertThat(EnumSet.allOf(ConnectionState.class)).noneMatch(s -> s.canMoveTo(NEW));
    }

    @Test
    void theReconnectCycleIsPossible() {
        // connect, drop, back off, connect again
        assertThat(NEW.canMoveTo(CONNECTING)).isTrue();
        assertThat(CONNECTING.canMoveTo(CONNECTED)).isTrue();
        assertThat(CONNECTED.canMoveTo(BACKING_OFF)).isTrue();
        assertThat(BACKING_OFF.canMoveTo(CONNECTING)).isTrue();
        // a failed reconnect backs off again
        assertThat(CONNECTING.canMoveTo(BACKING_OFF)).isTrue();
    }

    @Test
    void shortcutsAreIllegal() {
        assertThat(NEW.canMoveTo(CONNECTED)).isFalse();
        assertThat(BACKING_OFF.canMoveTo(CONNECTED)).isFalse();
        assertThat(CONNECTED.canMoveTo(CONNECTING)).isFalse();
        assertThat(NEW.canMoveTo(BACKING_OFF)).isFalse();
    }
}
