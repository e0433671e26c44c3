package org.meshguide.captcha.core.gen;

import java.awt.image.BufferedImage;

/**
 * A rendered captcha and its answer key as the model should read it ({@link org.meshguide.captcha.core.Vocabulary#label}).
 */
public record Sample(BufferedImage image, String label) {
}
