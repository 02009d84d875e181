package org.chorus.recording.grid;

import static org.assertj.core.api.Assertions.assertThat;

import org.chorus.recording.grid.GridGeometry.Rect;
import org.junit.jupiter.api.Test;

class GridGeometryTest {
    private final GridGeometry geometry = new GridGeometry(1280, 720);

    @Test
    void layoutsFollowTheNumberOfParticipants() {
        assertThat(geometry.cell(0, 1)).isEqualTo(new Rect(0, 0, 1280, 720));
        assertThat(geometry.cell(0, 2)).isEqualTo(new Rect(0, 0, 640, 720));
        assertThat(geometry.cell(1, 2)).isEqualTo(new Rect(640, 0, 640, 720));
        assertThat(geometry.cell(2, 3)).isEqualTo(new Rect(0, 360, 640, 360));
        assertThat(geometry.cell(3, 4)).isEqualTo(new Rect(640, 360, 640, 360));
        assertThat(GridGeometry.columns(5)).isEqualTo(3);
        assertThat(GridGeometry.rows(9)).isEqualTo(3);
        Rect last = geometry.cell(8, 9);
        assertThat(last.x() + last.width()).isEqualTo(1280);
        assertThat(last.y() + last.height()).isEqualTo(720);
    }

    @Test
    void picturesKeepTheirAspectRatioCentredAndEven() {
        // 4:3 into a 640×720 cell: full width, letterboxed top and bottom
        Rect fit = GridGeometry.fit(new Rect(640, 0, 640, 720), 320, 240);
        assertThat(fit).isEqualTo(new Rect(640, 120, 640, 480));
        // 16:9 into a 3×3 cell of 426×240: every edge even
        Rect small = GridGeometry.fit(geometry.cell(4, 9), 1280, 720);
        assertThat(small.width() % 2).isZero();
        assertThat(small.height() % 2).isZero();
        assertThat(small.x() % 2).isZero();
        assertThat(small.y() % 2).isZero();
        assertThat((double) small.width() / small.height()).isCloseTo(16.0 / 9, org.assertj.core.api.Assertions.within(0.02));
        // portrait into a landscape cell: pillarboxed
        Rect portrait = GridGeometry.fit(new Rect(0, 0, 1280, 720), 360, 640);
        assertThat(portrait.height()).isEqualTo(720);
        assertThat(portrait.centreX()).isCloseTo(640, org.assertj.core.api.Assertions.within(2));
    }
}
