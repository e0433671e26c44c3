package org.meshguide.data;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Shows what the config file watcher serves and why the latest change was rejected, if it was. Always UP:
 * a broken ConfigMap must not take the pod out of service while it still serves the last good content.
 */
public class ConfigFileHealthIndicator implements HealthIndicator {

	private final ConfigFileWatcher watcher;

	public ConfigFileHealthIndicator(ConfigFileWatcher watcher) {
		this.watcher = watcher;
	}

	@Override
	public Health health() {
		ConfigSnapshot snapshot = this.watcher.current();
		Health.Builder health = Health.up().withDetail("file", this.watcher.file().toString());
		if (snapshot.loaded()) {
			health.withDetail("sha256", snapshot.sha256()).withDetail("lastGoodLoad", snapshot.loadedAt().toString());
		}
		else {
			health.withDetail("lastGoodLoad", "never");
		}
		ConfigFileWatcher.LoadFailure failure = this.watcher.lastFailure();
		if (failure != null) {
			health.withDetail("error", failure.reason()).withDetail("errorAt", failure.at().toString());
		}
		return health.build();
	}

}
