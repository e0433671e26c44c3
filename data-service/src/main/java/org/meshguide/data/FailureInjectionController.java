package org.meshguide.data;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code PUT /admin/failure {"status":503,"rate":1.0}} makes this instance fail ({@code "delayMs":2000} makes it
 * slow, alone or with a status; status defaults to 503 without a delay, rate to 1.0), {@code DELETE /admin/failure}
 * heals it, {@code GET /admin/failure} shows the state. Bad input is a 400 problem (RFC 9457).
 */
@RestController
@ConditionalOnProperty(name = "data.failure-injection.enabled", havingValue = "true")
@RequestMapping("/admin/failure")
class FailureInjectionController {

	static final URI BAD_FAILURE = URI.create("urn:mesh-guide:problem:data:bad-failure");

	private final FailureInjection injection;

	FailureInjectionController(FailureInjection injection) {
		this.injection = injection;
	}

	record FailureRequest(Integer status, Double rate, Long delayMs) {
	}

	@PutMapping
	ResponseEntity<?> set(@RequestBody FailureRequest request) {
		try {
			long delayMs = (request.delayMs() != null) ? request.delayMs() : 0;
			int status = (request.status() != null) ? request.status() : ((delayMs > 0) ? 0 : 503);
			FailureInjection.Failure failure = new FailureInjection.Failure(status,
					(request.rate() != null) ? request.rate() : 1.0, delayMs);
			this.injection.set(failure);
			return ResponseEntity.ok(state());
		}
		catch (IllegalArgumentException ex) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
			problem.setType(BAD_FAILURE);
			problem.setTitle("Bad failure setting");
			return ResponseEntity.badRequest().body(problem);
		}
	}

	@DeleteMapping
	Map<String, Object> clear() {
		this.injection.clear();
		return state();
	}

	@GetMapping
	Map<String, Object> state() {
		FailureInjection.Failure failure = this.injection.current();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("active", failure != null);
		if (failure != null) {
			body.put("status", failure.status());
			body.put("rate", failure.rate());
			body.put("delayMs", failure.delayMs());
		}
		return body;
	}

}
