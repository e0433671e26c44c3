package org.meshguide.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.DefaultPropertiesPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

/**
 * Adds {@code mesh-defaults.properties} below every other property source, so each app starts with the same
 * tracing, actuator and error-handling settings and can still override any of them.
 * <p>
 * Zipkin export is switched off unless an endpoint is configured: an app started without a collector should
 * not log a connection error for every span.
 */
public class MeshDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String ZIPKIN_ENDPOINT = "management.tracing.export.zipkin.endpoint";

	static final String ZIPKIN_ENABLED = "management.tracing.export.zipkin.enabled";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new HashMap<>();
		try {
			PropertiesLoaderUtils.loadProperties(new ClassPathResource("mesh-defaults.properties"))
				.forEach((key, value) -> defaults.put((String) key, value));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("mesh-defaults.properties is missing from mesh-common", ex);
		}
		if (!environment.containsProperty(ZIPKIN_ENDPOINT)) {
			defaults.put(ZIPKIN_ENABLED, "false");
		}
		DefaultPropertiesPropertySource.addOrMerge(defaults, environment.getPropertySources());
	}

}
