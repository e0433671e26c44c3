package org.meshguide.business;

import org.meshguide.common.upstream.UpstreamClient;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Version 2 asks data-service and wraps its answer, so a v2 answer shows the ConfigMap's current content.
 */
@RestController
class BusinessV2Controller {

	private final UpstreamClient dataService;

	BusinessV2Controller(UpstreamClient dataService) {
		this.dataService = dataService;
	}

	@GetMapping(path = "/", produces = MediaType.TEXT_PLAIN_VALUE)
	String answer() {
		return "response from: business V2, args: <" + this.dataService.get("/") + " >";
	}

}
