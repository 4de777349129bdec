package dev.polyglot.servicekit.info;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The identity of this running copy of a service. The instance id names it wherever copies must be told
 * apart: service-info, logs, and (later) the consumer name in Redis Streams consumer groups, where two
 * copies sharing a name would steal each other's messages.
 *
 * @param instanceId INSTANCE_ID when set, else {@code <hostname>-<pid>}
 * @param startedAt  when the JVM started
 */
public record ServiceInstance(String instanceId, Instant startedAt) {

    public static ServiceInstance of(Environment environment) {
        String configured = environment.getProperty("INSTANCE_ID");
        String instanceId = StringUtils.hasText(configured)
                ? configured
                : hostName() + "-" + ProcessHandle.current().pid();
        return new ServiceInstance(instanceId, Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException unresolvable) {
            return "localhost";
        }
    }
}
