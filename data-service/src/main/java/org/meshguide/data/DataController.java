package org.meshguide.data;

import java.util.LinkedHashMap;
import java.util.Map;

import org.meshguide.common.AppProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves what data-service is configured with: the text form is what business-v2 embeds in its answer, the
 * JSON form is for tools and tests.
 */
@RestController
class DataController {

	private final DataProperties properties;

	private final ConfigFileWatcher watcher;

	private final AppProperties app;

	private final JsonMapper jsonMapper;

	private final ConfigMapApiProperties apiConfig;

	DataController(DataProperties properties, ConfigFileWatcher watcher, AppProperties app, JsonMapper jsonMapper,
			ConfigMapApiProperties apiConfig) {
		this.properties = properties;
		this.watcher = watcher;
		this.app = app;
		this.jsonMapper = jsonMapper;
		this.apiConfig = apiConfig;
	}

	@GetMapping(path = "/", produces = MediaType.TEXT_PLAIN_VALUE)
	String data() {
		return "data from " + this.app.instanceName() + ": [config_value1=" + this.properties.configValue1()
				+ ", config_value2=" + this.properties.configValue2() + ", config-data.json="
				+ this.watcher.current().content().strip() + "]";
	}

	@GetMapping(path = "/api/data", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> dataAsJson() {
		ConfigSnapshot snapshot = this.watcher.current();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("instance", this.app.instanceName());
		body.put("configValue1", this.properties.configValue1());
		body.put("configValue2", this.properties.configValue2());
		body.put("configData", this.jsonMapper.readTree(snapshot.content()));
		body.put("sha256", snapshot.sha256());
		body.put("loadedAt", snapshot.loadedAt().toString());
		body.put("message", this.apiConfig.getMessage());
		return body;
	}

}
