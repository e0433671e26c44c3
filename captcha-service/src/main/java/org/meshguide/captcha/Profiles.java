package org.meshguide.captcha;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.meshguide.captcha.core.Vocabulary;

/**
 * The configured profiles with aliases resolved, checked at startup: a profile that names an unknown alias
 * or a character the model cannot output stops the service from starting rather than failing requests.
 */
final class Profiles {

	/**
	 * @param name the profile the settings come from ({@code math} for {@code yk122})
	 * @param allowed per model class, whether this profile's answers may contain it
	 * @param pattern the shape of an answer
	 */
	record Profile(String name, CaptchaProperties.Profile settings, boolean[] allowed, Pattern pattern) {
	}

	private final Map<String, Profile> profiles = new LinkedHashMap<>();

	Profiles(Map<String, CaptchaProperties.Profile> configured) {
		configured.forEach((name, settings) -> {
			String target = (settings.aliasOf() != null) ? settings.aliasOf() : name;
			CaptchaProperties.Profile resolved = configured.get(target);
			if (resolved == null || resolved.aliasOf() != null) {
				throw new IllegalStateException("captcha profile " + name + " is an alias of " + target
						+ ", which is not a profile of its own");
			}
			if (resolved.pattern() == null) {
				throw new IllegalStateException("captcha profile " + target + " has no pattern");
			}
			this.profiles.put(name, new Profile(target, resolved, allowed(target, resolved.alphabet()),
					Pattern.compile(resolved.pattern())));
		});
	}

	Profile get(String name) {
		Profile profile = this.profiles.get(name);
		if (profile == null) {
			throw CaptchaException.unknownProfile(name, names());
		}
		return profile;
	}

	Set<String> names() {
		return this.profiles.keySet();
	}

	private static boolean[] allowed(String name, String alphabet) {
		if (alphabet == null || alphabet.isEmpty()) {
			throw new IllegalStateException("captcha profile " + name + " has no alphabet");
		}
		boolean[] allowed = new boolean[Vocabulary.classes()];
		for (char c : alphabet.toCharArray()) {
			int cls = Vocabulary.classOf(c);
			if (cls < 0) {
				throw new IllegalStateException("captcha profile " + name + ": the model cannot output '" + c + "'");
			}
			allowed[cls] = true;
		}
		return allowed;
	}

}
