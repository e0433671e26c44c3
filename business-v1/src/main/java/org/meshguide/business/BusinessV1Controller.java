package org.meshguide.business;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Version 1 answers on its own, so a request that reaches it never touches data-service: in a trace, a v1
 * answer has no data-service span.
 */
@RestController
class BusinessV1Controller {

	@GetMapping(path = "/", produces = MediaType.TEXT_PLAIN_VALUE)
	String answer() {
		return "response from: business V1";
	}

}
