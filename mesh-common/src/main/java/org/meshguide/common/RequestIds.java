package org.meshguide.common;

import java.util.regex.Pattern;

/**
 * Which {@code x-request-id} values the app repeats: Envoy's are UUIDs, and a caller's own ids are short
 * tokens. Anything longer or stranger is not repeated in the response or tagged on a span: an 8 KiB id echoed
 * into the response headers would overflow the server's header buffer and turn a valid request into a 500.
 * Such a request is still served; the id only travels on as the caller sent it.
 */
final class RequestIds {

	static final int MAX_LENGTH = 128;

	private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:-]+");

	private RequestIds() {
	}

	static boolean usable(String requestId) {
		return requestId != null && requestId.length() <= MAX_LENGTH && TOKEN.matcher(requestId).matches();
	}

}
