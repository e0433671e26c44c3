package org.meshguide.captcha;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code curl -F "img=@math.jfif;type=image/jpeg" http://captcha-service:8080/anticaptcha/yk122}
 */
@RestController
class CaptchaController {

	private final CaptchaSolver solver;

	CaptchaController(CaptchaSolver solver) {
		this.solver = solver;
	}

	@PostMapping(path = "/anticaptcha/{profile}", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	Answer solve(@PathVariable String profile, @RequestPart("img") MultipartFile img) {
		return this.solver.solve(profile, img);
	}

}
