package org.chorus.recording.writer;

import org.chorus.recording.grid.GridOutput;
import org.chorus.recording.media.Layout;
import org.chorus.recording.tracks.TracksOutput;

/** The output for each layout: {@link TracksOutput} for {@code tracks}, {@link GridOutput} for {@code grid}. */
final class LayoutOutputs {

    private LayoutOutputs() {
    }

    /** Whether the factory itself reports first media for this layout. */
    static boolean reportsFirstMedia(Layout layout) {
        return layout == Layout.TRACKS;
    }

    static OutputFactory forLayout(Layout layout) {
        return switch (layout) {
            case TRACKS -> TracksOutput::new;
            case GRID -> (spec, onFirstMedia) -> new GridOutput(spec);
        };
    }
}
