package org.meshguide.captcha.trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line words of the trainer's main classes. Maven's exec plugin hands a property such as
 * {@code -Dbench.args="--count 200 --seed 7"} over as one argument, so every argument is split on whitespace.
 */
final class Args {

	private Args() {
	}

	static List<String> words(String[] args) {
		List<String> words = new ArrayList<>();
		for (String arg : args) {
			words.addAll(Arrays.asList(arg.trim().split("\\s+")));
		}
		return words;
	}

	/** The word after the last {@code --name}, or {@code fallback}. */
	static String option(List<String> words, String name, String fallback) {
		int index = words.lastIndexOf("--" + name);
		return (index >= 0 && index + 1 < words.size()) ? words.get(index + 1) : fallback;
	}

}
