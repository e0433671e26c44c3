package org.meshguide.captcha.testkit.gen;

import java.util.Random;

/**
 * Renders captchas with a library someone else wrote. The text and every setting we choose come from the
 * given {@link Random}, so a seed fixes them; what the library randomises inside (noise, colours, glyph
 * positions) it draws from its own unseedable generator, so a seed fixes a data set's distribution and
 * labels, not its every pixel.
 */
public interface CaptchaGenerator {

	String name();

	Sample next(Random random);

}
