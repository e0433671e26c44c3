package org.meshguide.gateway;

import org.meshguide.common.upstream.UpstreamClient;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class GatewayController {

	private final UpstreamClient business;

	GatewayController(UpstreamClient business) {
		this.business = business;
	}

	@GetMapping(path = "/", produces = MediaType.TEXT_PLAIN_VALUE)
	String forward() {
		return "Gateway get from upstream: [\n\n " + this.business.get("/") + "\n\n]\n";
	}

}
