package org.chorus.media;

/**
 * The media plane's counters over JMX ({@code org.chorus:type=MediaPlane,port=N}), until the gateway
 * has metrics of its own: what was dropped, and where.
 */
public interface MediaPlaneMXBean {
    /** Packets the forwarding shards dropped because a shard's queue was full. */
    long getForwardingDrops();

    /** Datagrams the kernel dropped for the media port's sockets (full receive buffers), or -1 when unknown. */
    long getKernelDrops();

    /** Datagrams that reached the media port. */
    long getReceivedDatagrams();

    /** Datagrams from an address no session owns, dropped. */
    long getUnroutedDatagrams();

    /** Datagrams that were not STUN, DTLS, RTP or RTCP, dropped. */
    long getMalformedDatagrams();
}
