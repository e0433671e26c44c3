package org.meshguide.conformance;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.meshguide.captcha.testkit.ImageUpload;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.meshguide.conformance.HostileBodies.BOUNDARY;
import static org.meshguide.conformance.HostileBodies.file;
import static org.meshguide.conformance.HostileBodies.form;
import static org.meshguide.conformance.HostileBodies.img;
import static org.meshguide.conformance.HostileBodies.part;

/**
 * Hostile input at every entry point: each line of {@link #CASES} is one request that is wrong in one way, sent
 * to the ingress gateway, to each workload's pod port (its sidecar's inbound listener, 127.0.10.N:8080, where a
 * pod's traffic arrives in the cluster) and to each app's own port (127.0.10.N:18080, the app alone).
 *
 * <p>Expected of every answer: no 5xx (only a 501 for a transfer coding and a 505 for an HTTP version the
 * server does not implement, which RFC 9112 prescribes); a rejection is a 4xx, with an RFC 9457 problem body
 * when the app gave it ({@code x-served-by}, or the app's own port) and Envoy's own status when the proxy did;
 * an answer within 15 s, and a request that trickles in is ended by the server (408, another 4xx or a closed
 * connection) within 45 s. After the whole table: no process of the mesh restarted, the live heap of every app
 * (after a full GC) within 10 % of what it was before, no smuggled request executed, and the chain still answers
 * correctly (20 requests through the ingress, a captcha solved).
 */
@Tag("resilience")
@ExtendWith(MeshRestored.class)
class HostileInputIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	enum Kind {

		INGRESS, POD, APP

	}

	/** Where a case is sent; {@code captcha}: it routes /anticaptcha/**; {@code dataAdmin}: /admin/failure. */
	record Target(String name, Kind kind, InetSocketAddress address, boolean captcha, boolean dataAdmin) {

		String host() {
			return this.address.getHostString() + ":" + this.address.getPort();
		}

	}

	static final List<Target> TARGETS = List.of(
			new Target("ingress", Kind.INGRESS, new InetSocketAddress("127.0.0.1", 8000), true, false),
			pod("gateway-service", "127.0.10.1", true, false), pod("business-v1", "127.0.10.2", false, false),
			pod("business-v2", "127.0.10.3", false, false), pod("data-service-1", "127.0.10.4", false, true),
			pod("captcha-service", "127.0.10.6", true, false), app("gateway-service", "127.0.10.1", true, false),
			app("business-v1", "127.0.10.2", false, false), app("business-v2", "127.0.10.3", false, false),
			app("data-service-1", "127.0.10.4", false, true), app("captcha-service", "127.0.10.6", true, false));

	private static Target pod(String workload, String address, boolean captcha, boolean dataAdmin) {
		return new Target(workload, Kind.POD, new InetSocketAddress(address, 8080), captcha, dataAdmin);
	}

	private static Target app(String workload, String address, boolean captcha, boolean dataAdmin) {
		return new Target(workload, Kind.APP, new InetSocketAddress(address, 18080), captcha, dataAdmin);
	}

	static final Predicate<Target> ALL = t -> true;

	static final Predicate<Target> CAPTCHA = Target::captcha;

	/** Where Envoy takes the connection: the ingress gateway and the pod ports (sidecars). */
	static final Predicate<Target> ENVOY = t -> t.kind() != Kind.APP;

	static final Predicate<Target> DATA_ADMIN = Target::dataAdmin;

	/** What an answer may be: statuses, whether the server may just close, how many answers, how soon. */
	record Expect(String name, IntPredicate status, boolean mayClose, int responses, Duration deadline) {

		Expect pipelined(int count) {
			return new Expect(this.name + " x" + count, this.status, this.mayClose, count, this.deadline);
		}

	}

	static final Duration DEADLINE = Duration.ofSeconds(15);

	static final Expect REJECTED = new Expect("4xx", s -> s >= 400 && s < 500, false, 1, DEADLINE);

	static final Expect REJECTED_OR_CLOSED = new Expect("4xx or close", REJECTED.status(), true, 1, DEADLINE);

	static final Expect ANSWERED = new Expect("2xx-4xx", s -> s >= 200 && s < 500, false, 1, DEADLINE);

	/**
	 * A method (RFC 9110 15.6.2) or a transfer coding (RFC 9112 6.1) the server does not implement gets 501; Envoy
	 * also answers 501 to a chunked coding applied twice.
	 */
	static final Expect NOT_IMPLEMENTED = new Expect("4xx, 501 or close", s -> (s >= 400 && s < 500) || s == 501, true,
			1, DEADLINE);

	/** RFC 9110 15.6.6: a major version the server does not support gets 505. */
	static final Expect VERSION = new Expect("4xx, 505 or close", s -> (s >= 400 && s < 500) || s == 505, true, 1,
			DEADLINE);

	/**
	 * A request that never completes: the server ends it, with a 4xx (408) or by closing. Envoy ends headers after
	 * 10 s and a whole request after 30 s (istio/envoy-filter-mesh-request-timeouts.yaml), Tomcat a connection
	 * silent for 20 s (server.tomcat.connection-timeout); a trickle straight to an app's port is not ended (Tomcat has
	 * no whole-request timeout), but in the cluster that port is only reachable through the sidecar.
	 */
	static final Expect ENDED_BY_SERVER = new Expect("ended by the server", REJECTED.status(), true, 1,
			Duration.ofSeconds(45));

	record Case(String name, Predicate<Target> on, Expect expect, Function<Target, RawHttp.Slow> request) {
	}

	// @formatter:off
	static final List<Case> CASES = List.of(
		// methods
		c("DELETE /", ALL, REJECTED, req("DELETE / HTTP/1.1")),
		c("PUT / with a body", ALL, REJECTED, post("PUT", "/", "text/plain", bytes("hello"))),
		c("PATCH /", ALL, REJECTED, req("PATCH / HTTP/1.1")),
		c("TRACE /", ALL, REJECTED, req("TRACE / HTTP/1.1")),
		c("OPTIONS /", ALL, ANSWERED, req("OPTIONS / HTTP/1.1")),
		c("HEAD /", ALL, ANSWERED, req("HEAD / HTTP/1.1")),
		c("CONNECT to another host", ALL, NOT_IMPLEMENTED, req("CONNECT example.com:443 HTTP/1.1")),
		c("unknown method BREW", ALL, REJECTED_OR_CLOSED, req("BREW / HTTP/1.1")),
		c("lower-case method", ALL, REJECTED_OR_CLOSED, req("get / HTTP/1.1")),
		c("method with a control character", ALL, REJECTED_OR_CLOSED, req("GE\u0001T / HTTP/1.1")),
		// paths
		c("unknown path", ALL, REJECTED, req("GET /does-not-exist HTTP/1.1")),
		c("dot-dot traversal", ALL, REJECTED_OR_CLOSED, req("GET /../../etc/passwd HTTP/1.1")),
		c("encoded dot-dot %2e%2e", ALL, REJECTED_OR_CLOSED, req("GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1")),
		c("encoded slash %2f", ALL, REJECTED_OR_CLOSED, req("GET /..%2f..%2fetc%2fpasswd HTTP/1.1")),
		c("encoded NUL %00", ALL, REJECTED_OR_CLOSED, req("GET /%00 HTTP/1.1")),
		c("overlong UTF-8 dot-dot", ALL, REJECTED_OR_CLOSED, req("GET /%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd HTTP/1.1")),
		c("path parameter traversal /..;/", ALL, REJECTED_OR_CLOSED, req("GET /..;/actuator/env HTTP/1.1")),
		c("backslash traversal", ALL, REJECTED_OR_CLOSED, req("GET /..\\..\\etc\\passwd HTTP/1.1")),
		c("raw non-ASCII bytes in the path", ALL, REJECTED_OR_CLOSED, req("GET /\u00e9\u00ff HTTP/1.1")),
		c("actuator endpoint not exposed", ALL, REJECTED, req("GET /actuator/env HTTP/1.1")),
		c("heap dump endpoint", ALL, REJECTED, req("GET /actuator/heapdump HTTP/1.1")),
		c("fragment in the request target", ALL, ANSWERED, req("GET /#fragment HTTP/1.1")),
		c("absolute-form target to another host", ALL, ANSWERED, req("GET http://evil.example/ HTTP/1.1")),
		c("asterisk-form OPTIONS *", ALL, ANSWERED, req("OPTIONS * HTTP/1.1")),
		c("request target of 9 KiB", ALL, ANSWERED, req("GET /" + "a".repeat(9 * 1024) + " HTTP/1.1")),
		c("request target of 70 KiB", ALL, REJECTED_OR_CLOSED, req("GET /" + "a".repeat(70 * 1024) + " HTTP/1.1")),
		c("query string of 20 KiB", ALL, ANSWERED, req("GET /?q=" + "b".repeat(20 * 1024) + " HTTP/1.1")),
		// host and headers
		c("HTTP/1.1 without Host", ALL, REJECTED, raw("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")),
		c("two Host headers", ALL, REJECTED, req("GET / HTTP/1.1", "Host: other.example")),
		c("Host with a space", ALL, REJECTED_OR_CLOSED, raw("GET / HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n")),
		c("one header of 20 KiB", ALL, REJECTED, req("GET / HTTP/1.1", "X-Big: " + "c".repeat(20 * 1024))),
		c("one header of 100 KiB", ALL, REJECTED_OR_CLOSED, req("GET / HTTP/1.1", "X-Big: " + "c".repeat(100 * 1024))),
		c("200 headers", ALL, REJECTED_OR_CLOSED, req("GET / HTTP/1.1", headers(200))),
		c("60 headers", ALL, ANSWERED, req("GET / HTTP/1.1", headers(60))),
		c("header name with a space", ALL, REJECTED_OR_CLOSED, req("GET / HTTP/1.1", "Bad Name: x")),
		c("header line without a colon", ALL, REJECTED_OR_CLOSED, req("GET / HTTP/1.1", "NoColonHere")),
		c("obsolete line folding (RFC 9112 5.2: reject or unfold)", ALL, ANSWERED, req("GET / HTTP/1.1", "X-Folded: a\r\n b")),
		c("NUL in a header value", ALL, REJECTED_OR_CLOSED, req("GET / HTTP/1.1", "X-Nul: a\u0000b")),
		c("empty header name", ALL, REJECTED_OR_CLOSED, req("GET / HTTP/1.1", ": value")),
		c("UTF-8 in a header value", ALL, ANSWERED, req("GET / HTTP/1.1", "X-Name: \u00c3\u00a9t\u00c3\u00a9")),
		// trace context: malformed or oversized values must be ignored or refused, never break the request
		c("x-b3-traceid not hex", ALL, ANSWERED, req("GET / HTTP/1.1", "x-b3-traceid: zzzzzzzzzzzzzzzz", "x-b3-spanid: 0000000000000001", "x-b3-sampled: 1")),
		c("x-b3-traceid of 1 KiB", ALL, ANSWERED, req("GET / HTTP/1.1", "x-b3-traceid: " + "a".repeat(1024), "x-b3-spanid: 0000000000000001")),
		c("x-b3-spanid without a trace id", ALL, ANSWERED, req("GET / HTTP/1.1", "x-b3-spanid: 00000000000000ff")),
		c("x-b3-sampled: maybe", ALL, ANSWERED, req("GET / HTTP/1.1", "x-b3-traceid: 463ac35c9f6413ad48485a3953bb6124", "x-b3-spanid: a2fb4a1d1a96d312", "x-b3-sampled: maybe")),
		c("x-b3-flags debug with zero ids", ALL, ANSWERED, req("GET / HTTP/1.1", "x-b3-traceid: 0", "x-b3-spanid: 0", "x-b3-flags: 1")),
		c("b3 single header garbage", ALL, ANSWERED, req("GET / HTTP/1.1", "b3: not-a-b3-value-at-all-1-d")),
		c("traceparent of an unknown version", ALL, ANSWERED, req("GET / HTTP/1.1", "traceparent: ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")),
		c("traceparent of 8 KiB", ALL, ANSWERED, req("GET / HTTP/1.1", "traceparent: 00-" + "0".repeat(8 * 1024))),
		c("x-request-id of 8 KiB", ALL, ANSWERED, req("GET / HTTP/1.1", "x-request-id: " + "r".repeat(8 * 1024))),
		c("x-request-id with quotes and traversal", ALL, ANSWERED, req("GET / HTTP/1.1", "x-request-id: \"../../etc/passwd\"<script>")),
		c("end-user of 8 KiB (propagated as baggage)", ALL, ANSWERED, req("GET / HTTP/1.1", "end-user: " + "u".repeat(8 * 1024))),
		c("baggage header of garbage", ALL, ANSWERED, req("GET / HTTP/1.1", "baggage: ===,;;;,=" + "g".repeat(4096))),
		// message framing and smuggling
		c("Content-Length not a number", ALL, REJECTED_OR_CLOSED, req("POST / HTTP/1.1", "Content-Length: abc")),
		c("negative Content-Length", ALL, REJECTED_OR_CLOSED, req("POST / HTTP/1.1", "Content-Length: -1")),
		c("two different Content-Length", ALL, REJECTED_OR_CLOSED, raw("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 3\r\nContent-Length: 5\r\nConnection: close\r\n\r\nabcde")),
		c("Content-Length beyond 64 bits", ALL, REJECTED_OR_CLOSED, req("POST / HTTP/1.1", "Content-Length: 99999999999999999999999")),
		c("Content-Length and chunked (CL.TE)", ALL, REJECTED_OR_CLOSED, raw("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n")),
		c("smuggled PUT /admin/failure behind chunked", ALL, REJECTED_OR_CLOSED.pipelined(2), raw(smuggle())),
		c("Transfer-Encoding: chunked twice", ALL, NOT_IMPLEMENTED, raw("POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n")),
		c("Transfer-Encoding: gzip, chunked", ALL, NOT_IMPLEMENTED, raw("POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n")),
		c("Transfer-Encoding: xchunked", ALL, NOT_IMPLEMENTED, raw("POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: xchunked\r\nConnection: close\r\n\r\n0\r\n\r\n")),
		c("chunk size not hex", ALL, REJECTED_OR_CLOSED, raw("POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")),
		c("chunk size beyond 64 bits", ALL, REJECTED_OR_CLOSED, raw("POST / HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nfffffffffffffffffff\r\nabc\r\n0\r\n\r\n")),
		c("body longer than its Content-Length", ALL, REJECTED_OR_CLOSED.pipelined(2), raw("POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 3\r\n\r\nabcGARBAGE / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")),
		c("GET with a 1 MiB body", ALL, ANSWERED, post("GET", "/", "application/octet-stream", new byte[1 << 20])),
		// versions and pipelining
		c("HTTP/1.0 without Host", ALL, ANSWERED, raw("GET / HTTP/1.0\r\n\r\n")),
		c("HTTP/0.9 request line", ALL, REJECTED_OR_CLOSED, raw("GET /\r\n\r\n")),
		c("HTTP/2.0 in an HTTP/1 request line", ALL, VERSION, req("GET / HTTP/2.0")),
		c("HTTP/11.1", ALL, VERSION, req("GET / HTTP/11.1")),
		c("HTTP/2 preface, then no valid frame", ALL, REJECTED_OR_CLOSED, raw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nnot a frame at all, just text\r\n\r\n")),
		c("h2c upgrade", ALL, ANSWERED, req("GET / HTTP/1.1", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAAQAAP__", "Connection: Upgrade, HTTP2-Settings")),
		c("two pipelined GETs", ALL, ANSWERED.pipelined(2), raw("GET / HTTP/1.1\r\nHost: {host}\r\n\r\nGET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")),
		c("30 pipelined GETs", ALL, ANSWERED.pipelined(30), raw("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".repeat(29) + "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")),
		c("Expect: 100-continue on a GET", ALL, ANSWERED, req("GET / HTTP/1.1", "Expect: 100-continue")),
		c("Expect: something else", ALL, REJECTED_OR_CLOSED, post("POST", "/", "text/plain", bytes("x"), "Expect: teapot")),
		// requests that never complete
		c("request line, then silence", ALL, ENDED_BY_SERVER, raw("GET / HTTP/1.1\r\nHost: {host}\r\n")),
		c("headers trickling in, 2 bytes a second", ENVOY, ENDED_BY_SERVER, slowHeaders()),
		c("upload declared, body never sent", CAPTCHA, ENDED_BY_SERVER, raw("POST /anticaptcha/math HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: 1000\r\n\r\n")),
		c("upload trickling in, 2 bytes a second", CAPTCHA.and(ENVOY), ENDED_BY_SERVER, slowUpload()),
		c("Expect: 100-continue, 10 MiB declared, body refused", CAPTCHA, REJECTED_OR_CLOSED, raw("POST /anticaptcha/math HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: 10485760\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")),
		// multipart
		c("multipart without a boundary", CAPTCHA, REJECTED, upload("multipart/form-data", img("image/png", HostileBodies.captcha()))),
		c("boundary the body never uses", CAPTCHA, REJECTED, upload("multipart/form-data; boundary=other", img("image/png", HostileBodies.captcha()))),
		c("empty boundary", CAPTCHA, REJECTED, upload("multipart/form-data; boundary=\"\"", img("image/png", HostileBodies.captcha()))),
		c("boundary of 200 characters", CAPTCHA, REJECTED, upload("multipart/form-data; boundary=" + "b".repeat(200), img("image/png", HostileBodies.captcha()))),
		c("final boundary missing", CAPTCHA, REJECTED, upload(file("img", "image/png", HostileBodies.captcha()))),
		c("nested multipart/mixed", CAPTCHA, REJECTED, upload(form(part("Content-Disposition: form-data; name=\"img\"\r\nContent-Type: multipart/mixed; boundary=inner", bytes("--inner\r\nContent-Type: image/png\r\n\r\nxx\r\n--inner--"))))),
		c("part header of 20 KiB", CAPTCHA, REJECTED, upload(form(part("Content-Disposition: form-data; name=\"img\"; filename=\"" + "f".repeat(20 * 1024) + "\"\r\nContent-Type: image/png", HostileBodies.captcha())))),
		c("5000 parts", CAPTCHA, REJECTED, upload(HostileBodies.manyParts(5000))),
		c("field image instead of img", CAPTCHA, REJECTED, upload(form(file("image", "image/png", HostileBodies.captcha())))),
		c("two img fields", CAPTCHA, ANSWERED, upload(form(file("img", "image/png", HostileBodies.captcha()), file("img", "image/png", HostileBodies.captcha())))),
		c("empty img", CAPTCHA, REJECTED, upload(img("image/png", new byte[0]))),
		c("text sent as img", CAPTCHA, REJECTED, upload(img("image/png", bytes("not an image at all")))),
		c("form as text/plain", CAPTCHA, REJECTED, post("POST", "/anticaptcha/math", "text/plain", img("image/png", HostileBodies.captcha()))),
		c("unknown captcha profile", CAPTCHA, REJECTED, post("POST", "/anticaptcha/nope", "multipart/form-data; boundary=" + BOUNDARY, img("image/png", HostileBodies.captcha()))),
		c("upload of 3 MiB", CAPTCHA, REJECTED_OR_CLOSED, upload(img("image/png", new byte[3 << 20]))),
		// images
		c("PNG declaring 100000 x 100000", CAPTCHA, REJECTED, upload(img("image/png", HostileBodies.pngHeader(100_000, 100_000)))),
		c("PNG bomb 10000 x 10000 in 12 KiB", CAPTCHA, REJECTED, upload(img("image/png", HostileBodies.pngBomb(10_000, 10_000, 1, 0)))),
		c("PNG bomb 1999 x 1000 RGBA 16-bit within the limits", CAPTCHA, ANSWERED, upload(img("image/png", HostileBodies.pngBomb(1999, 1000, 16, 6)))),
		c("PNG with a 200 MB zTXt bomb", CAPTCHA, ANSWERED, upload(img("image/png", HostileBodies.pngWithTextBomb(200_000_000L)))),
		c("GIF screen 65535 x 65535", CAPTCHA, REJECTED, upload(img("image/gif", HostileBodies.gif(65535, 65535, 1)))),
		c("animated GIF of 5000 frames", CAPTCHA, ANSWERED, upload(img("image/gif", HostileBodies.gif(16, 16, 5000)))),
		c("JPEG declaring 65500 x 65500", CAPTCHA, REJECTED, upload(img("image/jpeg", HostileBodies.jpeg(65500, 65500)))),
		c("BMP declaring 50000 x 50000", CAPTCHA, REJECTED, upload(img("image/bmp", HostileBodies.bmp(50_000, 50_000)))),
		c("truncated PNG", CAPTCHA, REJECTED, upload(img("image/png", HostileBodies.truncated(HostileBodies.captcha(), 0.5)))),
		c("truncated JPEG", CAPTCHA, ANSWERED, upload(img("image/jpeg", HostileBodies.truncated(HostileBodies.encode("jpeg"), 0.6)))),
		c("ZIP sent as PNG", CAPTCHA, REJECTED, upload(img("image/png", bytes("PK\u0003\u0004" + "z".repeat(100))))),
		c("SVG with an external entity", CAPTCHA, REJECTED, upload(img("image/svg+xml", bytes("<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><svg xmlns=\"http://www.w3.org/2000/svg\">&x;</svg>")))),
		// data-service's failure-injection knob (local mesh only)
		c("failure setting that is not JSON", DATA_ADMIN, REJECTED, post("PUT", "/admin/failure", "application/json", bytes("{"))),
		c("failure setting nested 100000 deep", DATA_ADMIN, REJECTED, post("PUT", "/admin/failure", "application/json", bytes(HostileBodies.nestedJson(100_000)))),
		c("failure setting of 5 MiB", DATA_ADMIN, REJECTED, post("PUT", "/admin/failure", "application/json", bytes("{\"status\":\"" + "9".repeat(5 << 20) + "\"}"))),
		c("failure setting with a 2xx status", DATA_ADMIN, REJECTED, post("PUT", "/admin/failure", "application/json", bytes("{\"status\":200,\"rate\":1.0}"))));
	// @formatter:on

	@Test
	@Timeout(value = 6, unit = TimeUnit.MINUTES)
	void everyEntryPointRefusesHostileInputCleanly() throws Exception {
		assertThat(CASES).as("cases in the table").hasSizeGreaterThanOrEqualTo(60);
		Map<String, String> identities = MeshProcesses.identities();
		Map<String, Long> heapBefore = heaps();

		List<Outcome> outcomes = runAll();

		List<String> failures = outcomes.stream().filter(o -> o.problem() != null).map(Outcome::describe).toList();
		Map<String, List<Outcome>> byCase = outcomes.stream()
			.collect(Collectors.groupingBy(o -> o.hostileCase().name(), LinkedHashMap::new,
					Collectors.toList()));
		byCase.forEach((name, results) -> Report.resilience("hostile %-48s %s", name, results.stream()
			.map(o -> o.target().kind().name().toLowerCase(Locale.ROOT) + ":" + o.target().name() + " "
					+ o.summary())
			.collect(Collectors.joining("; "))));

		Map<String, String> identitiesAfter = MeshProcesses.identities();
		Map<String, Long> heapAfter = heaps();
		List<String> heapProblems = new ArrayList<>();
		heapBefore.forEach((app, before) -> {
			long after = heapAfter.get(app);
			if (after > before * 1.10) {
				heapProblems.add(app + " " + before + " -> " + after + " KiB");
			}
		});
		String failureState = Traffic.get(URI.create("http://127.0.10.4:18080/admin/failure"), Map.of()).body();
		int chainOk = 0;
		for (int i = 0; i < 20; i++) {
			Traffic.Result result = Traffic.get(LocalMesh.INGRESS.resolve("/"), Map.of());
			if (result.status() == 200 && result.body().startsWith("Gateway get from upstream")) {
				chainOk++;
			}
		}
		Traffic.Result captcha = Traffic.send(ImageUpload.png(HostileBodies.captcha())
			.post(LocalMesh.INGRESS.resolve("/anticaptcha/math"))
			.timeout(Duration.ofSeconds(30))
			.build());
		boolean pass = failures.isEmpty() && identities.equals(identitiesAfter) && heapProblems.isEmpty()
				&& failureState.contains("\"active\":false") && chainOk == 20 && captcha.status() == 200;
		Report.resilience("hostile input: %d cases, %d exchanges over %d entry points, %d unexpected; processes "
				+ "restarted: %s; live heap before -> after (KiB) %s; data-service-1 failure knob %s; chain %d/20, "
				+ "captcha %d (required: 0 unexpected, no restart, heap +<= 10 %%, knob untouched, chain 20/20, "
				+ "captcha 200) -> %s", CASES.size(), outcomes.size(), TARGETS.size(), failures.size(),
				restarted(identities, identitiesAfter), sideBySide(heapBefore, heapAfter), failureState, chainOk,
				captcha.status(), pass ? "PASS" : "FAIL");
		ResilienceSummary.row(10, "hostile input, " + CASES.size() + " cases", "ingress, pods, apps", outcomes.size(),
				failures.size(), "-", "no 5xx, 4xx problems, ended <= 45 s; heap +<= 10 %", pass);

		assertThat(failures).as("unexpected answers").isEmpty();
		assertThat(restarted(identities, identitiesAfter)).as("processes that restarted").isEmpty();
		assertThat(heapProblems).as("apps whose live heap grew by more than 10 %%").isEmpty();
		assertThat(failureState).as("data-service-1's failure knob after the smuggling attempts")
			.contains("\"active\":false");
		assertThat(chainOk).as("requests through the ingress answered by the whole chain").isEqualTo(20);
		assertThat(captcha.status()).as("a captcha through the ingress: %s", captcha.body()).isEqualTo(200);
	}

	/** A config file swapped into data-service's ConfigMap mount, and what its health must then say. */
	record ConfigCase(String name, byte[] content, String refusal) {
	}

	// @formatter:off
	static final List<ConfigCase> CONFIG_CASES = List.of(
		new ConfigCase("10 MiB of valid JSON", bytes(HostileBodies.bigJson(10 << 20)), "too large"),
		new ConfigCase("JSON nested 100000 deep", bytes(HostileBodies.nestedJson(100_000)), "nesting depth"),
		new ConfigCase("bytes that are not UTF-8", new byte[] { '{', (byte) 0xff, (byte) 0xfe, '}' }, "not UTF-8"),
		new ConfigCase("an empty file", new byte[0], "not valid JSON"));
	// @formatter:on

	private static final Path DATA_CONFIG = LocalMesh.ROOT.resolve(".run/mesh/data-config");

	private static final Path ORIGINAL_CONFIG = LocalMesh.ROOT
		.resolve("k8s/base/data-service/config-data.json");

	/**
	 * Hostile files swapped into data-service's mounted ConfigMap the way the kubelet swaps them
	 * (scripts/configmap-swap.sh): each is refused with the cause in the health endpoint, both instances keep
	 * serving the last good content (same sha256), neither restarts, and their live heap stays within 10 %.
	 */
	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void hostileConfigFilesAreRefusedAndTheLastGoodContentServed() throws Exception {
		List<String> instances = List.of("data-service-1", "data-service-2");
		Map<String, String> identities = MeshProcesses.identities();
		Map<String, Long> heapBefore = new LinkedHashMap<>();
		instances.forEach(name -> heapBefore.put(name, MeshProcesses.liveHeapKib(name)));
		String goodSha = sha256Served("127.0.10.4");
		List<String> failures = new ArrayList<>();
		Path dir = Files.createTempDirectory("hostile-config");
		try {
			for (ConfigCase configCase : CONFIG_CASES) {
				Path file = dir.resolve("config-data.json");
				Files.write(file, configCase.content());
				swap(file);
				boolean refused = LoadRun.eventually(Duration.ofSeconds(20),
						() -> healthError("127.0.10.4").contains(configCase.refusal())
								&& healthError("127.0.10.5").contains(configCase.refusal()));
				String shaOne = sha256Served("127.0.10.4");
				String shaTwo = sha256Served("127.0.10.5");
				boolean kept = goodSha.equals(shaOne) && goodSha.equals(shaTwo);
				Report.resilience("hostile config file %-28s health: %s; served sha256 %s / %s (required: refused with "
						+ "'%s', last good %s served) -> %s", configCase.name(), abbreviate(healthError("127.0.10.4")),
						shaOne.substring(0, 12), shaTwo.substring(0, 12), configCase.refusal(), goodSha.substring(0, 12),
						(refused && kept) ? "PASS" : "FAIL");
				if (!refused || !kept) {
					failures.add(configCase.name());
				}
				swap(ORIGINAL_CONFIG);
				LoadRun.eventually(Duration.ofSeconds(20),
						() -> healthError("127.0.10.4").isEmpty() && healthError("127.0.10.5").isEmpty());
			}
		}
		finally {
			swap(ORIGINAL_CONFIG);
		}
		Map<String, Long> heapAfter = new LinkedHashMap<>();
		instances.forEach(name -> heapAfter.put(name, MeshProcesses.liveHeapKib(name)));
		List<String> grown = instances.stream().filter(n -> heapAfter.get(n) > heapBefore.get(n) * 1.10).toList();
		List<String> restarted = restarted(identities, MeshProcesses.identities());
		ResilienceSummary.row(10, "hostile config files, " + CONFIG_CASES.size() + " cases", "data-service ConfigMap",
				CONFIG_CASES.size(), failures.size(), "-", "refused; last good served; heap +<= 10 %",
				failures.isEmpty() && grown.isEmpty() && restarted.isEmpty());
		Report.resilience("hostile config files: %d cases, %d not refused cleanly; live heap before -> after (KiB) %s; "
				+ "restarted %s -> %s", CONFIG_CASES.size(), failures.size(), sideBySide(heapBefore, heapAfter), restarted,
				(failures.isEmpty() && grown.isEmpty() && restarted.isEmpty()) ? "PASS" : "FAIL");
		assertThat(failures).as("config files not refused, or not with the last good content served").isEmpty();
		assertThat(grown).as("instances whose live heap grew by more than 10 %%").isEmpty();
		assertThat(restarted).as("processes that restarted").isEmpty();
	}

	private static void swap(Path file) throws Exception {
		Process swap = new ProcessBuilder("bash", LocalMesh.ROOT.resolve("scripts/configmap-swap.sh").toString(),
				DATA_CONFIG.toString(), file.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(swap.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(swap.waitFor()).as("scripts/configmap-swap.sh: %s", output).isZero();
	}

	/** The error data-service's health shows for its config file, or "" when its last load succeeded. */
	private static String healthError(String address) {
		Traffic.Result health = Traffic.get(URI.create("http://" + address + ":18080/actuator/health"), Map.of());
		return JSON.readTree(health.body()).path("components").path("configFile").path("details").path("error")
			.asString("");
	}

	private static String sha256Served(String address) {
		Traffic.Result data = Traffic.get(URI.create("http://" + address + ":18080/api/data"), Map.of());
		return JSON.readTree(data.body()).path("sha256").asString();
	}

	record Outcome(Case hostileCase, Target target, RawHttp.Exchange exchange, String problem) {

		String summary() {
			return this.exchange.describe() + ((this.problem != null) ? " UNEXPECTED" : "");
		}

		String describe() {
			return this.hostileCase.name() + " -> " + this.target.kind() + " " + this.target.name() + ": "
					+ this.exchange.describe() + ": " + this.problem + " (expected " + this.hostileCase.expect().name()
					+ ")" + ((this.exchange.first() != null) ? " " + this.exchange.first().headers() + " "
							+ abbreviate(this.exchange.first().body()) : "");
		}

	}

	/**
	 * The requests that never complete all at once, each on its own thread (they only wait for the server to end
	 * them); the rest four at a time beside them.
	 */
	private static List<Outcome> runAll() throws Exception {
		ExecutorService waiting = Executors.newCachedThreadPool();
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Future<Outcome>> futures = new ArrayList<>();
			for (Case hostileCase : CASES) {
				for (Target target : TARGETS) {
					if (hostileCase.on().test(target)) {
						ExecutorService executor = (hostileCase.expect() == ENDED_BY_SERVER) ? waiting : pool;
						futures.add(executor.submit(() -> run(hostileCase, target)));
					}
				}
			}
			List<Outcome> outcomes = new ArrayList<>();
			for (Future<Outcome> future : futures) {
				outcomes.add(future.get(2, TimeUnit.MINUTES));
			}
			return outcomes;
		}
		finally {
			pool.shutdownNow();
			waiting.shutdownNow();
		}
	}

	private static Outcome run(Case hostileCase, Target target) {
		Expect expect = hostileCase.expect();
		RawHttp.Slow request = hostileCase.request().apply(target);
		RawHttp.Exchange exchange = RawHttp.exchange(target.address(), request, expect.responses(), expect.deadline());
		boolean head = new String(request.head(), 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
		return new Outcome(hostileCase, target, exchange, judge(expect, target, exchange, head));
	}

	/** Why the exchange is not what the case expects, or null when it is. */
	static String judge(Expect expect, Target target, RawHttp.Exchange exchange, boolean head) {
		if (exchange.timedOut()) {
			return "the server neither answered nor closed within " + expect.deadline().toSeconds() + " s";
		}
		for (RawHttp.Response response : exchange.responses()) {
			if (!expect.status().test(response.status())) {
				return "status " + response.status();
			}
			boolean byApp = target.kind() == Kind.APP || !response.header("x-served-by").isEmpty()
					|| !response.header("x-envoy-upstream-service-time").isEmpty();
			if (response.status() >= 400 && byApp && !(head ? isProblemType(response) : isProblem(response))) {
				return "a " + response.status() + " from the app without an RFC 9457 problem body";
			}
		}
		if (exchange.responses().size() < expect.responses() && !expect.mayClose()) {
			return "closed after " + exchange.responses().size() + " of " + expect.responses() + " answers";
		}
		return null;
	}

	/** A HEAD answer has the headers of the problem, and no body (RFC 9110 9.3.2). */
	private static boolean isProblemType(RawHttp.Response response) {
		return response.header("content-type").startsWith("application/problem+json");
	}

	private static boolean isProblem(RawHttp.Response response) {
		if (!isProblemType(response)) {
			return false;
		}
		try {
			JsonNode problem = JSON.readTree(response.body());
			return problem.path("status").asInt() == response.status() && problem.hasNonNull("title");
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static Map<String, Long> heaps() {
		Map<String, Long> heaps = new LinkedHashMap<>();
		MeshProcesses.APPS.forEach(app -> heaps.put(app, MeshProcesses.liveHeapKib(app)));
		return heaps;
	}

	private static List<String> restarted(Map<String, String> before, Map<String, String> after) {
		return before.keySet().stream().filter(name -> !before.get(name).equals(after.get(name))).toList();
	}

	private static String sideBySide(Map<String, Long> before, Map<String, Long> after) {
		return before.keySet().stream().map(app -> app + " " + before.get(app) + " -> " + after.get(app))
			.collect(Collectors.joining(", "));
	}

	private static String abbreviate(String body) {
		String line = body.replaceAll("\\s+", " ");
		return (line.length() > 200) ? line.substring(0, 200) + "..." : line;
	}

	// ---- the table's vocabulary ----

	private static Case c(String name, Predicate<Target> on, Expect expect, Function<Target, RawHttp.Slow> request) {
		return new Case(name, on, expect, request);
	}

	/** A request line, Host, the given header lines, Connection: close, no body. */
	private static Function<Target, RawHttp.Slow> req(String requestLine, String... headerLines) {
		StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: {host}\r\n");
		for (String line : headerLines) {
			head.append(line).append("\r\n");
		}
		return raw(head.append("Connection: close\r\n\r\n").toString());
	}

	/** Exactly these bytes (ISO-8859-1), with {host} replaced by the target's address. */
	private static Function<Target, RawHttp.Slow> raw(String text) {
		return target -> new RawHttp.Slow(bytes(text.replace("{host}", target.host())), new byte[0], 1, Duration.ZERO);
	}

	private static Function<Target, RawHttp.Slow> post(String method, String path, String contentType, byte[] body,
			String... headerLines) {
		return target -> {
			StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
				.append(target.host()).append("\r\nContent-Type: ").append(contentType).append("\r\nContent-Length: ")
				.append(body.length).append("\r\n");
			for (String line : headerLines) {
				head.append(line).append("\r\n");
			}
			head.append("Connection: close\r\n\r\n");
			byte[] headBytes = bytes(head.toString());
			byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
			System.arraycopy(body, 0, request, headBytes.length, body.length);
			return new RawHttp.Slow(request, new byte[0], 1, Duration.ZERO);
		};
	}

	private static Function<Target, RawHttp.Slow> upload(byte[] form) {
		return upload("multipart/form-data; boundary=" + BOUNDARY, form);
	}

	private static Function<Target, RawHttp.Slow> upload(String contentType, byte[] form) {
		return post("POST", "/anticaptcha/math", contentType, form);
	}

	private static Function<Target, RawHttp.Slow> slowHeaders() {
		return target -> new RawHttp.Slow(bytes("GET / HTTP/1.1\r\nHost: " + target.host() + "\r\n"),
				bytes("X-Slow: " + "s".repeat(400) + "\r\n\r\n"), 2, Duration.ofSeconds(1));
	}

	private static Function<Target, RawHttp.Slow> slowUpload() {
		byte[] form = img("image/png", HostileBodies.captcha());
		return target -> new RawHttp.Slow(bytes("POST /anticaptcha/math HTTP/1.1\r\nHost: " + target.host()
				+ "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: " + form.length
				+ "\r\n\r\n"), form, 2, Duration.ofSeconds(1));
	}

	private static String headers(int count) {
		return String.join("\r\n",
				IntStream.range(0, count).mapToObj(i -> "X-Flood-" + i + ": 1").toList());
	}

	/**
	 * A chunked POST whose chunked body ends early for a server that honours Transfer-Encoding; one that honours
	 * the Content-Length instead would take the rest, a PUT of data-service's failure knob, as a second request.
	 * The setting it carries is harmless (rate 0) but visible: the test checks it was never applied.
	 */
	private static String smuggle() {
		String setting = "{\"status\":599,\"rate\":0.0}";
		String hidden = "PUT /admin/failure HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + setting.length() + "\r\n\r\n" + setting;
		String chunked = "0\r\n\r\n" + hidden;
		return "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: " + chunked.length()
				+ "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

}
