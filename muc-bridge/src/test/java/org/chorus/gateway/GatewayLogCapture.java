package org.chorus.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects what a fuzz run must not cause in the gateway: every ERROR logged outside the test harness,
 * every WARN of the component stream (a dropped stanza or a lost stream), and every exception no
 * thread caught, each with the first frames of its stack trace.
 */
public final class GatewayLogCapture extends AppenderBase<ILoggingEvent> {
    private final List<String> events = new ArrayList<>();
    private Thread.UncaughtExceptionHandler previousHandler;

    /** Starts collecting; uncaught exceptions of any thread are collected too. */
    public static GatewayLogCapture attach() {
        GatewayLogCapture capture = new GatewayLogCapture();
        capture.previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> capture.uncaught(thread, e));
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        capture.setContext(root.getLoggerContext());
        capture.start();
        root.addAppender(capture);
        return capture;
    }

    public void detach() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(this);
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
        stop();
    }

    private synchronized void uncaught(Thread thread, Throwable e) {
        StringBuilder b = new StringBuilder("UNCAUGHT [" + thread.getName() + "] " + e);
        StackTraceElement[] frames = e.getStackTrace();
        for (int i = 0; i < Math.min(10, frames.length); i++) {
            b.append("\n    at ").append(frames[i]);
        }
        events.add(b.toString());
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    @Override
    protected synchronized void append(ILoggingEvent e) {
        String logger = e.getLoggerName();
        boolean error = !logger.startsWith("org.chorus.testing") && e.getLevel().isGreaterOrEqual(Level.ERROR);
        boolean stream = logger.startsWith("org.chorus.component") && e.getLevel().isGreaterOrEqual(Level.WARN);
        if (!error && !stream) {
            return;
        }
        StringBuilder b = new StringBuilder(e.getLevel() + " [" + e.getThreadName() + "] " + logger + ": " + e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            b.append("\n  ").append(t.getClassName()).append(": ").append(t.getMessage());
            StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
            for (int i = 0; i < Math.min(10, frames.length); i++) {
                b.append("\n    ").append(frames[i].getSTEAsString());
            }
        }
        events.add(b.toString());
    }
}
