package org.meshguide.conformance;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import javax.imageio.ImageIO;

/**
 * The bodies of the hostile-input table: multipart forms with something wrong, and images whose headers or
 * compressed data promise far more than their size (decompression bombs), built byte by byte so each does
 * exactly one wrong thing.
 */
final class HostileBodies {

	static final String BOUNDARY = "----hostile7MA4YWxkTrZu0gW";

	private static final byte[] PNG_SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	private HostileBodies() {
	}

	/** A real captcha of the test fixtures, as PNG bytes. */
	static byte[] captcha() {
		try {
			return Files.readAllBytes(
					LocalMesh.ROOT.resolve("captcha-service/src/test/resources/captcha/easy-arithmetic-3x4.png"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** One form part: its headers (Content-Disposition first) and content. */
	static byte[] part(String headers, byte[] content) {
		ByteArrayOutputStream part = new ByteArrayOutputStream();
		part.writeBytes(("--" + BOUNDARY + "\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
		part.writeBytes(content);
		part.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
		return part.toByteArray();
	}

	/** A file part in field {@code field}. */
	static byte[] file(String field, String type, byte[] content) {
		return part("Content-Disposition: form-data; name=\"" + field + "\"; filename=\"upload\"\r\nContent-Type: " + type,
				content);
	}

	/** The parts and the closing boundary: a whole multipart/form-data body (boundary {@link #BOUNDARY}). */
	static byte[] form(byte[]... parts) {
		ByteArrayOutputStream form = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			form.writeBytes(part);
		}
		form.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
		return form.toByteArray();
	}

	/** {@code count} small text parts. */
	static byte[] manyParts(int count) {
		byte[][] parts = new byte[count][];
		for (int i = 0; i < count; i++) {
			parts[i] = part("Content-Disposition: form-data; name=\"f" + i + "\"", "x".getBytes(StandardCharsets.ISO_8859_1));
		}
		return form(parts);
	}

	/** The image in field img, as curl -F img=@file sends it. */
	static byte[] img(String type, byte[] image) {
		return form(file("img", type, image));
	}

	/**
	 * A PNG declaring {@code width} x {@code height} pixels of {@code bitDepth} bits and colour type
	 * {@code colorType}, whose image data is that many zero bytes deflated: a few KiB that decode to the declared
	 * size.
	 */
	static byte[] pngBomb(int width, int height, int bitDepth, int colorType) {
		int channels = switch (colorType) {
			case 2 -> 3;
			case 4 -> 2;
			case 6 -> 4;
			default -> 1;
		};
		long rowBytes = 1 + ((long) width * channels * bitDepth + 7) / 8;
		return png(width, height, bitDepth, colorType, deflatedZeros(rowBytes * height));
	}

	/** A PNG whose header declares {@code width} x {@code height} grey pixels, with a few bytes of image data. */
	static byte[] pngHeader(int width, int height) {
		return png(width, height, 8, 0, deflatedZeros(64));
	}

	/** A 1 x 1 grey PNG carrying a zTXt text chunk that inflates to {@code inflated} bytes. */
	static byte[] pngWithTextBomb(long inflated) {
		ByteArrayOutputStream ztxt = new ByteArrayOutputStream();
		ztxt.writeBytes("Comment".getBytes(StandardCharsets.ISO_8859_1));
		ztxt.write(0);
		ztxt.write(0);
		ztxt.writeBytes(deflatedZeros(inflated));
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		png.writeBytes(PNG_SIGNATURE);
		png.writeBytes(chunk("IHDR", ihdr(1, 1, 8, 0)));
		png.writeBytes(chunk("zTXt", ztxt.toByteArray()));
		png.writeBytes(chunk("IDAT", deflatedZeros(2)));
		png.writeBytes(chunk("IEND", new byte[0]));
		return png.toByteArray();
	}

	private static byte[] png(int width, int height, int bitDepth, int colorType, byte[] idat) {
		ByteArrayOutputStream png = new ByteArrayOutputStream();
		png.writeBytes(PNG_SIGNATURE);
		png.writeBytes(chunk("IHDR", ihdr(width, height, bitDepth, colorType)));
		png.writeBytes(chunk("IDAT", idat));
		png.writeBytes(chunk("IEND", new byte[0]));
		return png.toByteArray();
	}

	private static byte[] ihdr(int width, int height, int bitDepth, int colorType) {
		return ByteBuffer.allocate(13)
			.putInt(width)
			.putInt(height)
			.put((byte) bitDepth)
			.put((byte) colorType)
			.put((byte) 0)
			.put((byte) 0)
			.put((byte) 0)
			.array();
	}

	private static byte[] chunk(String type, byte[] data) {
		byte[] name = type.getBytes(StandardCharsets.ISO_8859_1);
		CRC32 crc = new CRC32();
		crc.update(name);
		crc.update(data);
		return ByteBuffer.allocate(12 + data.length)
			.putInt(data.length)
			.put(name)
			.put(data)
			.putInt((int) crc.getValue())
			.array();
	}

	/** {@code length} zero bytes, deflated (zlib) without ever holding them. */
	private static byte[] deflatedZeros(long length) {
		Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] zeros = new byte[1 << 16];
		byte[] buffer = new byte[1 << 16];
		for (long left = length; left > 0; left -= zeros.length) {
			deflater.setInput(zeros, 0, (int) Math.min(zeros.length, left));
			while (!deflater.needsInput()) {
				out.write(buffer, 0, deflater.deflate(buffer));
			}
		}
		deflater.finish();
		while (!deflater.finished()) {
			out.write(buffer, 0, deflater.deflate(buffer));
		}
		deflater.end();
		return out.toByteArray();
	}

	/**
	 * A GIF with a {@code width} x {@code height} screen and {@code frames} frames of 1 x 1 pixel: each frame is
	 * 25 bytes, a decoder that reads them all does {@code frames} times the work.
	 */
	static byte[] gif(int width, int height, int frames) {
		ByteArrayOutputStream gif = new ByteArrayOutputStream();
		gif.writeBytes("GIF89a".getBytes(StandardCharsets.ISO_8859_1));
		gif.writeBytes(le16(width));
		gif.writeBytes(le16(height));
		gif.writeBytes(new byte[] { (byte) 0x80, 0, 0 });
		gif.writeBytes(new byte[] { 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff });
		for (int i = 0; i < frames; i++) {
			gif.writeBytes(new byte[] { 0x21, (byte) 0xf9, 4, 0, 1, 0, 0, 0 });
			gif.write(0x2c);
			gif.writeBytes(le16(0));
			gif.writeBytes(le16(0));
			gif.writeBytes(le16((i == 0) ? width : 1));
			gif.writeBytes(le16((i == 0) ? height : 1));
			gif.write(0);
			// LZW, minimum code size 2: clear code, pixel 0, end of information
			gif.writeBytes(new byte[] { 2, 2, 0x44, 0x01, 0 });
		}
		gif.write(0x3b);
		return gif.toByteArray();
	}

	private static byte[] le16(int value) {
		return new byte[] { (byte) value, (byte) (value >> 8) };
	}

	/** A small real JPEG whose frame header (SOF0) then claims {@code width} x {@code height}. */
	static byte[] jpeg(int width, int height) {
		byte[] jpeg = encode("jpeg");
		for (int i = 2; i + 8 < jpeg.length; i++) {
			if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
				jpeg[i + 5] = (byte) (height >> 8);
				jpeg[i + 6] = (byte) height;
				jpeg[i + 7] = (byte) (width >> 8);
				jpeg[i + 8] = (byte) width;
				return jpeg;
			}
		}
		throw new IllegalStateException("no SOF0 marker in ImageIO's JPEG");
	}

	/** A small real BMP whose header then claims {@code width} x {@code height}. */
	static byte[] bmp(int width, int height) {
		byte[] bmp = encode("bmp");
		ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(18, width).putInt(22, height);
		return bmp;
	}

	/** The first {@code fraction} of an image's bytes. */
	static byte[] truncated(byte[] image, double fraction) {
		return Arrays.copyOf(image, (int) (image.length * fraction));
	}

	static byte[] encode(String format) {
		BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			ImageIO.write(image, format, out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/** {@code depth} nested JSON arrays. */
	static String nestedJson(int depth) {
		return "[".repeat(depth) + "]".repeat(depth);
	}

	/** Valid JSON of about {@code bytes} bytes: one object with many fields. */
	static String bigJson(int bytes) {
		StringBuilder json = new StringBuilder(bytes + 64).append('{');
		for (int i = 0; json.length() < bytes; i++) {
			json.append((i == 0) ? "" : ",").append("\"k").append(i).append("\":\"").append("v".repeat(40)).append('"');
		}
		return json.append('}').toString();
	}

}
