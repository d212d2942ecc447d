package org.siteverify;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds libsiteverify, once per class loader: {@code -Dsiteverify.library.path}, else
 * {@code $SITEVERIFY_LIBRARY_PATH} (each a file, or a directory holding {@code libsiteverify.so}),
 * else {@code System.loadLibrary("siteverify")} (i.e. {@code java.library.path}).
 *
 * <p>A failure is remembered and reported as a fresh {@link UnsatisfiedLinkError} with the same
 * message on every use, instead of the JVM's "could not initialize class".
 */
final class NativeLoader {
    static final String PROPERTY = "siteverify.library.path";
    static final String ENV = "SITEVERIFY_LIBRARY_PATH";
    static final String NAME = "siteverify";

    private static final SymbolLookup LOOKUP;
    private static final String SOURCE;
    private static final Throwable FAILURE;

    static {
        SymbolLookup lookup = null;
        String source = null;
        Throwable failure = null;
        try {
            String configured = System.getProperty(PROPERTY);
            String origin = "-D" + PROPERTY;
            if (configured == null || configured.isBlank()) {
                configured = System.getenv(ENV);
                origin = "$" + ENV;
            }
            if (configured != null && !configured.isBlank()) {
                Path path = Path.of(configured);
                if (Files.isDirectory(path)) {
                    path = path.resolve(System.mapLibraryName(NAME));
                }
                if (!Files.isRegularFile(path)) {
                    throw new UnsatisfiedLinkError("libsiteverify not found: " + origin + " points to " + path
                            + ", which does not exist (build it with `make build` in the siteverify repository)");
                }
                lookup = SymbolLookup.libraryLookup(path, Arena.global());
                source = path.toString();
            } else {
                try {
                    System.loadLibrary(NAME);
                } catch (UnsatisfiedLinkError e) {
                    UnsatisfiedLinkError wrapped = new UnsatisfiedLinkError("libsiteverify not found: set -D" + PROPERTY
                            + "=/path/to/libsiteverify.so (or $" + ENV + "), or put it on java.library.path ("
                            + e.getMessage() + ")");
                    wrapped.initCause(e);
                    throw wrapped;
                }
                lookup = SymbolLookup.loaderLookup();
                source = "java.library.path";
            }
            checkAbi(lookup, source);
        } catch (Throwable t) {
            lookup = null;
            failure = t;
        }
        LOOKUP = lookup;
        SOURCE = source;
        FAILURE = failure;
    }

    private NativeLoader() {}

    private static void checkAbi(SymbolLookup lookup, String source) throws Throwable {
        MethodHandle abi = Linker.nativeLinker().downcallHandle(
                lookup.find("sv_abi_version").orElseThrow(() -> new UnsatisfiedLinkError(
                        source + " is not libsiteverify (no sv_abi_version)")),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        int loaded = (int) abi.invokeExact();
        if (loaded != Abi.SV_ABI_VERSION) {
            throw new UnsatisfiedLinkError("libsiteverify at " + source + " has ABI version " + loaded
                    + ", this binding needs ABI version " + Abi.SV_ABI_VERSION);
        }
    }

    /** The library's symbols; throws the (remembered) reason when it could not be loaded. */
    static SymbolLookup lookup() {
        if (FAILURE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(FAILURE.getMessage());
            e.initCause(FAILURE);
            throw e;
        }
        return LOOKUP;
    }

    /** Where the library came from (a path, or "java.library.path"). */
    static String source() {
        lookup();
        return SOURCE;
    }
}
