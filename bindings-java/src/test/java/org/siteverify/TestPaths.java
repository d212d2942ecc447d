package org.siteverify;

import java.nio.file.Path;

/** Where the tests find the repository's pieces (set by Surefire from the pom / Makefile). */
final class TestPaths {
    private TestPaths() {}

    private static Path path(String property, String fallback) {
        String v = System.getProperty(property);
        return Path.of(v != null && !v.isBlank() ? v : fallback).toAbsolutePath().normalize();
    }

    static Path mockBin() {
        return path("siteverify.mock.bin", "../target/release/siteverify-mock");
    }

    static Path header() {
        return path("siteverify.include.dir", "../include").resolve("siteverify.h");
    }

    static Path vectors() {
        return path("siteverify.vectors.dir", "../tests/vectors");
    }

    static Path readme() {
        return path("siteverify.readme", "README.md");
    }

    static Path examples() {
        return Path.of("src/test/java/org/siteverify/examples").toAbsolutePath();
    }
}
