package org.siteverify.spring;

import java.util.List;
import java.util.function.Consumer;

import org.siteverify.FailMode;
import org.siteverify.FailOpenPolicy;
import org.siteverify.Provider;
import org.siteverify.SiteverifyClient;
import org.siteverify.VerificationEvent;
import org.siteverify.micrometer.SiteverifyMetrics;
import org.siteverify.servlet.SiteverifyFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * siteverify for Spring Boot: with {@code siteverify.secret} set, a {@link SiteverifyClient} bean
 * built from {@link SiteverifyProperties} (unless you define your own); in a servlet web
 * application, the {@link SiteverifyFilter} on the URL patterns of
 * {@code siteverify.filter.url-patterns} (registered but disabled while none are set); with Micrometer on the classpath, a {@link SiteverifyMetrics} bean the client
 * records into ({@code siteverify.metrics=false} turns it off).
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(SiteverifyClient.class)
@ConditionalOnProperty(prefix = "siteverify", name = "secret")
@EnableConfigurationProperties(SiteverifyProperties.class)
public class SiteverifyAutoConfiguration {
    /** Actuator binds every {@code MeterBinder} bean to its registries itself. */
    private static final String ACTUATOR_METRICS =
            "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SiteverifyClient siteverifyClient(SiteverifyProperties p,
            ObjectProvider<SiteverifyClientCustomizer> customizers,
            ObjectProvider<SiteverifyEventConsumer> consumers) {
        SiteverifyClient.Builder b = SiteverifyClient.builder(Provider.fromCode(p.getProvider()));
        // BEGIN GENERATED spring-options (siteverify-vocab; edit core/, then `make vocab`)
        if (p.getSecret() != null) {
            b.secret(p.getSecret());
        }
        if (p.getSiteKey() != null) {
            b.siteKey(p.getSiteKey());
        }
        if (p.getProjectId() != null) {
            b.projectId(p.getProjectId());
        }
        if (p.getEndpoint() != null) {
            b.endpoint(p.getEndpoint());
        }
        if (p.getRegion() != null) {
            b.region(p.getRegion());
        }
        if (p.getTimeout() != null) {
            b.timeout(p.getTimeout());
        }
        if (p.getConnectTimeout() != null) {
            b.connectTimeout(p.getConnectTimeout());
        }
        if (p.getAttemptTimeout() != null) {
            b.attemptTimeout(p.getAttemptTimeout());
        }
        if (p.getMaxRetries() != null) {
            b.maxRetries(p.getMaxRetries());
        }
        if (p.getRetryBaseDelay() != null) {
            b.retryBaseDelay(p.getRetryBaseDelay());
        }
        if (p.getRetryMaxDelay() != null) {
            b.retryMaxDelay(p.getRetryMaxDelay());
        }
        if (p.getExpectedHostnames() != null) {
            b.expectedHostnames(p.getExpectedHostnames());
        }
        if (p.getExpectedActions() != null) {
            b.expectedActions(p.getExpectedActions());
        }
        if (p.getScoreThreshold() != null) {
            b.scoreThreshold(p.getScoreThreshold());
        }
        if (p.getMaxAge() != null) {
            b.maxAge(p.getMaxAge());
        }
        if (p.getFailMode() != null) {
            b.failMode(FailMode.fromCode(p.getFailMode()));
        }
        if (p.getOnFailOpen() != null) {
            b.onFailOpen(FailOpenPolicy.fromCode(p.getOnFailOpen()));
        }
        if (p.getProxy() != null) {
            b.proxy(p.getProxy());
        }
        if (p.getCaPem() != null) {
            b.caPem(p.getCaPem());
        }
        if (p.getCaFile() != null) {
            b.caFile(p.getCaFile());
        }
        if (p.getAllowHttp() != null) {
            b.allowHttp(p.getAllowHttp());
        }
        // END GENERATED spring-options
        b.logEvents(p.isLogEvents());
        consumers.orderedStream().forEach(b::onEvent);
        customizers.orderedStream().forEach(c -> c.customize(b));
        return b.build();
    }

    /**
     * An event consumer for the auto-configured client: every bean of this type receives each
     * {@link VerificationEvent} (the metrics bean is one).
     */
    @FunctionalInterface
    public interface SiteverifyEventConsumer extends Consumer<VerificationEvent> {}

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    @ConditionalOnProperty(prefix = "siteverify", name = "metrics", matchIfMissing = true)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        SiteverifyMetrics siteverifyMetrics(ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
            SiteverifyMetrics metrics = new SiteverifyMetrics();
            // Without Actuator nobody binds MeterBinder beans: bind to the application's registry.
            if (!ClassUtils.isPresent(ACTUATOR_METRICS, SiteverifyAutoConfiguration.class.getClassLoader())) {
                registry.ifUnique(metrics::bindTo);
            }
            return metrics;
        }

        @Bean
        SiteverifyEventConsumer siteverifyMetricsConsumer(SiteverifyMetrics metrics) {
            return metrics::accept;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "jakarta.servlet.Filter")
    static class Web {
        @Bean
        @ConditionalOnMissingBean(name = "siteverifyFilter")
        FilterRegistrationBean<SiteverifyFilter> siteverifyFilter(SiteverifyClient client, SiteverifyProperties p) {
            SiteverifyProperties.Filter f = p.getFilter();
            SiteverifyFilter.Builder b = SiteverifyFilter.builder(client).enforce(f.isEnforce());
            if (f.getTokenField() != null) {
                b.tokenField(f.getTokenField());
            }
            if (f.getTrustProxyHeader() != null) {
                b.trustProxyHeader(f.getTrustProxyHeader());
            }
            if (!f.getMethods().isEmpty()) {
                b.methods(f.getMethods().toArray(String[]::new));
            }
            if (f.getMaxBodyBytes() != null) {
                b.maxBodyBytes(f.getMaxBodyBytes());
            }
            FilterRegistrationBean<SiteverifyFilter> reg = new FilterRegistrationBean<>(b.build());
            reg.setName("siteverifyFilter");
            reg.setUrlPatterns(List.copyOf(f.getUrlPatterns()));
            // No patterns would mean "/*": guard nothing unless told what.
            reg.setEnabled(!f.getUrlPatterns().isEmpty());
            reg.setOrder(f.getOrder());
            return reg;
        }
    }
}
