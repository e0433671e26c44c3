package org.meshguide.conformance;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes every resilience test start from, and leave, the mesh as scripts/mesh.sh up made it: every process
 * running (none suspended), every app in its service, no sample applied, no failure injected. A test that kills
 * or stops something and then fails still leaves a whole mesh behind, so the next one does not inherit its fault.
 */
class MeshRestored implements BeforeEachCallback, AfterEachCallback {

	@Override
	public void beforeEach(ExtensionContext context) {
		MeshProcesses.restoreAll();
		DataServiceFailure.clearAll();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		MeshProcesses.restoreAll();
		DataServiceFailure.clearAll();
	}

}
