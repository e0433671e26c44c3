package org.meshguide.data;

import java.time.Instant;

/**
 * The last good content of the config file.
 *
 * @param content the file's text, as written in the ConfigMap
 * @param sha256 hex digest of the content: a reload that finds the same digest changes nothing
 * @param loadedAt when this content was loaded
 */
public record ConfigSnapshot(String content, String sha256, Instant loadedAt) {

	static final ConfigSnapshot NONE = new ConfigSnapshot("{}", "", Instant.EPOCH);

	boolean loaded() {
		return !this.sha256.isEmpty();
	}

}
