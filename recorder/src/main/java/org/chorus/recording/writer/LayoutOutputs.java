package org.chorus.recording.writer;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

import org.chorus.recording.media.Layout;
import org.chorus.recording.media.MediaOutput;
import org.chorus.recording.media.OutputSpec;
import org.chorus.recording.tracks.TracksOutput;

/**
 * The output for each layout: {@link TracksOutput} for {@code tracks}, and for {@code grid} the
 * compositor {@value #GRID_CLASS}, looked up by name so that the writer builds without it.
 */
final class LayoutOutputs {

    static final String GRID_CLASS = "org.chorus.recording.grid.GridOutput";

    private LayoutOutputs() {
    }

    /** Whether the factory itself reports first media for this layout. */
    static boolean reportsFirstMedia(Layout layout) {
        return layout == Layout.TRACKS;
    }

    static OutputFactory forLayout(Layout layout) {
        return switch (layout) {
            case TRACKS -> TracksOutput::new;
            case GRID -> (spec, onFirstMedia) -> grid(spec);
        };
    }

    private static MediaOutput grid(OutputSpec spec) throws Exception {
        Class<?> type;
        try {
            type = Class.forName(GRID_CLASS);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the grid layout is not available: " + GRID_CLASS + " is missing");
        }
        if (!MediaOutput.class.isAssignableFrom(type)) {
            throw new IllegalStateException(GRID_CLASS + " is not a MediaOutput");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor(OutputSpec.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(GRID_CLASS + " has no public constructor taking an OutputSpec");
        }
        try {
            return (MediaOutput) constructor.newInstance(spec);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ex ? ex : new IllegalStateException(cause);
        }
    }
}
