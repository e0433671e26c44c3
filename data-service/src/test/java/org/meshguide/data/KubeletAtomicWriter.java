package org.meshguide.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Updates a directory the way the kubelet updates a mounted ConfigMap (its AtomicWriter): each version is a
 * new hidden timestamped directory, {@code ..data} is a symlink to the current one, swapped by renaming a
 * fresh {@code ..data_tmp} link over it (rename(2), as {@code mv -T} does), and each visible file is a
 * symlink through {@code ..data}. The old version directory is deleted afterwards.
 */
final class KubeletAtomicWriter {

	private final Path mount;

	private final String fileName;

	private int version;

	private Path currentVersion;

	KubeletAtomicWriter(Path mount, String fileName) {
		this.mount = mount;
		this.fileName = fileName;
	}

	Path visibleFile() {
		return this.mount.resolve(this.fileName);
	}

	void write(String content) {
		try {
			Path versionDir = Files.createDirectory(this.mount.resolve("..2026_11_25_10_00_00." + (++this.version)));
			Files.writeString(versionDir.resolve(this.fileName), content, StandardCharsets.UTF_8);
			Path tmpLink = Files.createSymbolicLink(this.mount.resolve("..data_tmp"), versionDir.getFileName());
			Files.move(tmpLink, this.mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
					StandardCopyOption.REPLACE_EXISTING);
			if (!Files.isSymbolicLink(visibleFile())) {
				Files.createSymbolicLink(visibleFile(), Path.of("..data", this.fileName));
			}
			if (this.currentVersion != null) {
				Files.delete(this.currentVersion.resolve(this.fileName));
				Files.delete(this.currentVersion);
			}
			this.currentVersion = versionDir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Removes the key from the ConfigMap: the visible link is deleted. */
	void removeFile() {
		try {
			Files.delete(visibleFile());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
