package org.meshguide.data;

import java.time.Clock;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DataConfiguration {

	@Bean
	ConfigFileWatcher configFileWatcher(DataProperties properties, JsonMapper jsonMapper) {
		return new ConfigFileWatcher(properties.configFile(), properties.pollInterval(), properties.maxConfigFileSize(),
				jsonMapper, Clock.systemUTC());
	}

	@Bean
	ConfigFileHealthIndicator configFileHealthIndicator(ConfigFileWatcher watcher) {
		return new ConfigFileHealthIndicator(watcher);
	}

}
