package org.chorus.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Datagrams the kernel dropped for the media port because a socket's receive buffer was full: the
 * {@code drops} column of Linux's {@code /proc/net/udp} and {@code /proc/net/udp6}, summed over every
 * socket whose local port is the media port (the port binds several sockets with SO_REUSEPORT). A
 * growing count means the receive threads fall behind, or {@code chorus.media.receive-buffer} (and
 * the {@code net.core.rmem_max} cap on it) is too small for the bursts.
 *
 * <p>The count is cumulative for the sockets' lifetime, and covers only this network namespace. On
 * a system without these files {@link #read} returns {@link #UNKNOWN}.
 */
public final class KernelDrops {
    /** What {@link #read} returns when no table could be read. */
    public static final long UNKNOWN = -1;

    private static final List<Path> PROC_TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private final int port;
    private final List<Path> tables;

    /** The drops of the sockets bound to {@code port}, from the kernel's tables. */
    public KernelDrops(int port) {
        this(port, PROC_TABLES);
    }

    /** The same, from tables in the kernel's format at other paths (tests). */
    KernelDrops(int port, List<Path> tables) {
        this.port = port;
        this.tables = List.copyOf(tables);
    }

    public int port() {
        return port;
    }

    /** The sum of the drops of every socket bound to the port, or {@link #UNKNOWN}. */
    public long read() {
        long sum = 0;
        boolean any = false;
        for (Path table : tables) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
            } catch (IOException | RuntimeException e) {
                continue; // no IPv6, or not Linux
            }
            long drops = sum(lines, port);
            if (drops >= 0) {
                sum += drops;
                any = true;
            }
        }
        return any ? sum : UNKNOWN;
    }

    /**
     * The drops of the sockets bound to {@code port} in one table: a header line whose last column
     * is {@code drops}, then one line per socket, its local address ({@code HEXADDR:HEXPORT}) second
     * and its drops last. {@link #UNKNOWN} when the header is not the expected one; lines that do
     * not parse are skipped.
     */
    static long sum(List<String> lines, int port) {
        if (lines.isEmpty() || !lines.get(0).trim().endsWith(" drops")) {
            return UNKNOWN;
        }
        long sum = 0;
        for (int i = 1; i < lines.size(); i++) {
            String[] fields = lines.get(i).trim().split("\\s+");
            if (fields.length < 3) {
                continue;
            }
            String local = fields[1];
            int colon = local.lastIndexOf(':');
            try {
                if (colon < 0 || Integer.parseInt(local.substring(colon + 1), 16) != port) {
                    continue;
                }
                sum += Long.parseLong(fields[fields.length - 1]);
            } catch (NumberFormatException e) {
                // not a socket line
            }
        }
        return sum;
    }
}
