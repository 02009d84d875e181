package org.chorus.bench;

import com.sun.tools.attach.VirtualMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The packets a process under test says it dropped itself (not the kernel's drops): every numeric
 * attribute whose name contains "drop" of the MBeans it registers in the {@code org.chorus} domain,
 * read over JMX through the JDK's attach API. Starting the local management agent adds threads to
 * the process, so read this only after its threads and heap have been looked at.
 */
final class OwnDrops {
    static final String DOMAIN = "org.chorus";

    private OwnDrops() {}

    /**
     * @param total the sum of the counters, or -1 when the process exposes none
     * @param detail each counter as {@code MBean.attribute=value}, or why nothing was read
     */
    record Reading(long total, String detail) {
        static final Reading NOT_EXPOSED = new Reading(-1, "not exposed (no MBean attribute named *drop* in "
                + DOMAIN + ")");

        boolean exposed() {
            return total >= 0;
        }

        @Override
        public String toString() {
            return exposed() ? total + " (" + detail + ")" : detail;
        }
    }

    static Reading read(long pid) {
        VirtualMachine vm = null;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
            String address = vm.startLocalManagementAgent();
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection server = connector.getMBeanServerConnection();
                long total = 0;
                List<String> parts = new ArrayList<>();
                for (ObjectName name : server.queryNames(new ObjectName(DOMAIN + ":*"), null)) {
                    for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                        if (!attribute.getName().toLowerCase(Locale.ROOT).contains("drop") || !attribute.isReadable()) {
                            continue;
                        }
                        Object value = server.getAttribute(name, attribute.getName());
                        if (value instanceof Number number) {
                            total += number.longValue();
                            parts.add(name.getKeyPropertyListString() + "." + attribute.getName() + "=" + number);
                        }
                    }
                }
                return parts.isEmpty() ? Reading.NOT_EXPOSED : new Reading(total, String.join(", ", parts));
            }
        } catch (Exception e) {
            return new Reading(-1, "not read: " + e);
        } finally {
            if (vm != null) {
                try {
                    vm.detach();
                } catch (java.io.IOException e) {
                    // gone
                }
            }
        }
    }
}
