package org.siteverify.spring;

import org.siteverify.SiteverifyClient;

/** A bean of this type adjusts the auto-configured client's builder after the properties are applied. */
@FunctionalInterface
public interface SiteverifyClientCustomizer {
    void customize(SiteverifyClient.Builder builder);
}
