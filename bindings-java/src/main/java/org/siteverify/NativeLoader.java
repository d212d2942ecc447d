package org.siteverify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds a native library of this binding ({@code libsiteverify} for the FFM path,
 * {@code libsiteverify_jni} for the JNI path), the same way on every Java release:
 * <ol>
 * <li>{@code -Dsiteverify.library.path}, else {@code $SITEVERIFY_LIBRARY_PATH}: a directory
 *     holding the library, or a file. A file named for the other path's library stands for its
 *     directory, so one setting serves both paths
 *     ({@code -Dsiteverify.library.path=/opt/siteverify/libsiteverify.so} finds
 *     {@code libsiteverify_jni.so} beside it on Java 17).</li>
 * <li>The jar resource {@code org/siteverify/native/<os>-<arch>/<library>} (e.g.
 *     {@code org/siteverify/native/linux-x86_64/libsiteverify_jni.so}), copied to a temporary
 *     directory and loaded from there.</li>
 * <li>{@code java.library.path} ({@code System.loadLibrary}).</li>
 * </ol>
 */
final class NativeLoader {
    private NativeLoader() {}

    static final String PROPERTY = "siteverify.library.path";
    static final String ENV = "SITEVERIFY_LIBRARY_PATH";
    static final String RESOURCE_ROOT = "org/siteverify/native/";

    /**
     * Where a library is: {@code path} to load, or null for {@code System.loadLibrary(name)};
     * {@code source} says which, for messages and {@link Siteverify#librarySource()}.
     */
    record Location(Path path, String source) {}

    /**
     * Locates library {@code name} ("siteverify" or "siteverify_jni").
     *
     * @throws UnsatisfiedLinkError a configured path that does not hold it
     */
    static Location locate(String name) {
        String file = System.mapLibraryName(name);
        String configured = System.getProperty(PROPERTY);
        String origin = "-D" + PROPERTY;
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(ENV);
            origin = "$" + ENV;
        }
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured.trim());
            if (Files.isDirectory(path)) {
                path = path.resolve(file);
            } else if (Files.isRegularFile(path) && !isLibrary(path, name)) {
                path = path.toAbsolutePath().resolveSibling(file);
            }
            if (!Files.isRegularFile(path)) {
                throw new UnsatisfiedLinkError(file + " not found: " + origin + " points to " + path
                        + ", which does not exist (build it with `make build` in the siteverify repository)");
            }
            return new Location(path, path.toString());
        }
        String resource = RESOURCE_ROOT + platform() + "/" + file;
        Path extracted = extract(resource, file);
        if (extracted != null) {
            return new Location(extracted, "jar resource " + resource + " (extracted to " + extracted + ")");
        }
        return new Location(null, "java.library.path");
    }

    /** The message for a failed {@code System.loadLibrary}. */
    static UnsatisfiedLinkError notFound(String name, UnsatisfiedLinkError cause) {
        String file = System.mapLibraryName(name);
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(file + " not found: set -D" + PROPERTY
                + "=/path/to/its/directory (or $" + ENV + "), or put it on java.library.path ("
                + cause.getMessage() + ")");
        e.initCause(cause);
        return e;
    }

    /** Is {@code path} library {@code name} itself (libsiteverify vs libsiteverify_jni, any version suffix)? */
    private static boolean isLibrary(Path path, String name) {
        String f = path.getFileName().toString();
        String mapped = System.mapLibraryName(name);
        String stem = mapped.substring(0, mapped.lastIndexOf('.'));
        return f.equals(mapped) || f.startsWith(stem + ".");
    }

    /** {@code linux-x86_64}, {@code linux-aarch64}, {@code macos-aarch64}, {@code windows-x86_64}, ... */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macos" : os.startsWith("windows") ? "windows" : os;
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return o + "-" + a;
    }

    /** Copies a jar resource to a fresh temporary directory; null when there is no such resource. */
    private static Path extract(String resource, String file) {
        ClassLoader loader = NativeLoader.class.getClassLoader();
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                                             : loader.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            Path dir = Files.createTempDirectory("siteverify-native-");
            Path target = dir.resolve(file);
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            target.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return target;
        } catch (IOException e) {
            UnsatisfiedLinkError u = new UnsatisfiedLinkError("cannot extract " + resource + ": " + e.getMessage());
            u.initCause(e);
            throw u;
        }
    }
}
