package org.meshguide.data;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What data-service serves: two values from ConfigMap keys injected as env vars (fixed for the life of the
 * pod) and a JSON file from the same ConfigMap mounted as a volume (updated in place by the kubelet).
 *
 * @param configValue1 env {@code CONFIG_VALUE1}
 * @param configValue2 env {@code CONFIG_VALUE2}
 * @param configFile the mounted JSON file
 * @param pollInterval how often the file is re-read in case a directory event was missed
 * @param maxConfigFileSize the largest file taken (a ConfigMap holds at most 1 MiB); a larger one is refused
 * and the last good content kept, as for invalid JSON
 */
@ConfigurationProperties("data")
public record DataProperties(String configValue1, String configValue2,
		@DefaultValue("/app/config/config-data.json") Path configFile, @DefaultValue("5s") Duration pollInterval,
		@DefaultValue("1MB") DataSize maxConfigFileSize) {
}
