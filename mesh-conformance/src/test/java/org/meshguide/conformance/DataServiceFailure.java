package org.meshguide.conformance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * data-service's failure-injection knob (PUT/DELETE /admin/failure on the app port, enabled by
 * mesh/topology.yaml), reached directly, not through the mesh.
 */
final class DataServiceFailure implements AutoCloseable {

	static final String DATA_SERVICE_1 = "127.0.10.4";

	static final String DATA_SERVICE_2 = "127.0.10.5";

	private static final HttpClient CLIENT = HttpClient.newHttpClient();

	private final URI admin;

	private DataServiceFailure(String address) {
		this.admin = URI.create("http://" + address + ":18080/admin/failure");
	}

	/** Makes the instance at {@code address} answer {@code status} to a share {@code rate} of requests. */
	static DataServiceFailure start(String address, int status, double rate) {
		DataServiceFailure failure = new DataServiceFailure(address);
		failure.send(HttpRequest.newBuilder(failure.admin)
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"status\":" + status + ",\"rate\":" + rate + "}")));
		return failure;
	}

	/** Makes the instance at {@code address} wait {@code delayMs} before answering every request normally. */
	static DataServiceFailure slow(String address, long delayMs) {
		DataServiceFailure failure = new DataServiceFailure(address);
		failure.send(HttpRequest.newBuilder(failure.admin)
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"delayMs\":" + delayMs + ",\"rate\":1.0}")));
		return failure;
	}

	/** Heals both instances, whatever a test left set. */
	static void clearAll() {
		new DataServiceFailure(DATA_SERVICE_1).close();
		new DataServiceFailure(DATA_SERVICE_2).close();
	}

	@Override
	public void close() {
		send(HttpRequest.newBuilder(this.admin).DELETE());
	}

	private void send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new AssertionError(this.admin + " answered " + response.statusCode() + ": " + response.body());
			}
		}
		catch (IOException ex) {
			throw new AssertionError("cannot reach " + this.admin + " (is the local mesh up with mesh/topology.yaml?)",
					ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
