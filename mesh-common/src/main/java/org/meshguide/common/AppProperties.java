package org.meshguide.common;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who this process is. Routing is observed from outside through these two values, so they are set per
 * deployment (Kubernetes labels, local mesh topology) rather than derived at run time.
 *
 * @param instanceName value of the {@code x-served-by} response header, e.g. {@code business-v2}
 * @param version the {@code version} label of the workload, e.g. {@code v2}
 */
@ConfigurationProperties("app")
public record AppProperties(String instanceName, String version) {
}
