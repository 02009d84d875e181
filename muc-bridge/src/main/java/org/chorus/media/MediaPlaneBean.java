package org.chorus.media;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes a {@link MediaPlane}'s counters as {@link MediaPlaneMXBean} while the plane is open. */
final class MediaPlaneBean implements MediaPlaneMXBean {
    private static final Logger log = LoggerFactory.getLogger(MediaPlaneBean.class);

    private final MediaPlane plane;
    private final ObjectName name;
    private volatile boolean registered;

    MediaPlaneBean(MediaPlane plane) {
        this.plane = plane;
        ObjectName n = null;
        try {
            n = new ObjectName("org.chorus:type=MediaPlane,port=" + plane.port().port());
        } catch (JMException e) {
            log.warn("The media plane's counters are not published over JMX: {}", e.toString());
        }
        this.name = n;
    }

    /** Registers the bean; a failure (another plane on the same port in this JVM) is logged, not thrown. */
    void register() {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
            registered = true;
        } catch (JMException e) {
            log.warn("The media plane's counters are not published over JMX as {}: {}", name, e.toString());
        }
    }

    void unregister() {
        if (!registered) {
            return;
        }
        registered = false;
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            log.debug("{} was already gone: {}", name, e.toString());
        }
    }

    @Override
    public long getForwardingDrops() {
        return plane.forwarding().drops().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public long getKernelDrops() {
        return plane.counters().kernelDrops();
    }

    @Override
    public long getReceivedDatagrams() {
        return plane.port().counters().received();
    }

    @Override
    public long getUnroutedDatagrams() {
        return plane.port().counters().unrouted();
    }

    @Override
    public long getMalformedDatagrams() {
        return plane.port().counters().malformed();
    }
}
