package org.siteverify.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.siteverify.Provider;
import org.siteverify.SiteverifyClient;
import org.siteverify.micrometer.SiteverifyMetrics;
import org.siteverify.servlet.SiteverifyFilter;
import org.siteverify.testing.MockProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The auto-configuration's conditions, with Spring Boot's context runners. */
class SiteverifyAutoConfigurationTest {
    static final MockProvider MOCK = MockProvider.start();

    @AfterAll
    static void stop() {
        MOCK.close();
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SiteverifyAutoConfiguration.class));

    private static String[] props(Provider p) {
        return new String[] {"siteverify.provider=" + p.code(), "siteverify.secret=mock-secret",
            "siteverify.endpoint=" + MOCK.endpoint(p), "siteverify.max-retries=0", "siteverify.timeout=2s"};
    }

    @Test
    void aClientFromTheProperties() {
        runner.withPropertyValues(props(Provider.GATEKEEPER)).run(ctx -> {
            SiteverifyClient c = ctx.getBean(SiteverifyClient.class);
            assertThat(c.provider()).isEqualTo(Provider.GATEKEEPER);
            assertThat(c.endpoint()).isEqualTo(MOCK.endpoint(Provider.GATEKEEPER));
            assertThat(c.verify("pass").accepted()).isTrue();
            assertThat(ctx).hasSingleBean(SiteverifyMetrics.class);
        });
    }

    @Test
    void siteKeyAndProjectIdFromTheProperties() {
        runner.withPropertyValues(props(Provider.RECAPTCHA_ENTERPRISE))
                .withPropertyValues("siteverify.site-key=" + MockProvider.SITE_KEY,
                        "siteverify.project-id=" + MockProvider.PROJECT_ID)
                .run(ctx -> {
                    SiteverifyClient c = ctx.getBean(SiteverifyClient.class);
                    assertThat(c.provider()).isEqualTo(Provider.RECAPTCHA_ENTERPRISE);
                    assertThat(c.verify("pass").accepted()).isTrue();
                });
        // Missing, the required project ID fails the start with the core's message.
        runner.withPropertyValues(props(Provider.RECAPTCHA_ENTERPRISE))
                .withPropertyValues("siteverify.site-key=" + MockProvider.SITE_KEY)
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause().hasMessageContaining("project_id"));
        runner.withPropertyValues(props(Provider.TURNSTILE)).run(ctx -> {
            SiteverifyClient c = ctx.getBean(SiteverifyClient.class);
            assertThat(c.provider()).isEqualTo(Provider.TURNSTILE);
            assertThat(c.verify("pass").accepted()).isTrue();
        });
    }

    @Test
    void noSecretNoClient() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(SiteverifyClient.class));
    }

    @Test
    void aBadOptionFailsTheStartWithTheCoresMessage() {
        runner.withPropertyValues(props(Provider.PROSOPO)).withPropertyValues("siteverify.max-retries=1000")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause().hasMessageContaining("max_retries"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {
        @Bean
        SiteverifyClient myClient() {
            return MOCK.clientBuilder(Provider.PROSOPO).build();
        }
    }

    @Test
    void yourOwnClientWins() {
        runner.withPropertyValues(props(Provider.GATEKEEPER)).withUserConfiguration(OwnClient.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(SiteverifyClient.class);
            assertThat(ctx.getBean(SiteverifyClient.class).provider()).isEqualTo(Provider.PROSOPO);
        });
    }

    @Test
    void noMicrometerNoMetrics() {
        runner.withPropertyValues(props(Provider.PROSOPO))
                .withClassLoader(new FilteredClassLoader("io.micrometer.core"))
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(SiteverifyClient.class);
                    assertThat(ctx).doesNotHaveBean("siteverifyMetrics");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        SimpleMeterRegistry registry() {
            return new SimpleMeterRegistry();
        }
    }

    @Test
    void metricsReachTheApplicationsRegistry() {
        runner.withPropertyValues(props(Provider.PROSOPO)).withUserConfiguration(Registry.class).run(ctx -> {
            ctx.getBean(SiteverifyClient.class).verify("pass");
            SimpleMeterRegistry r = ctx.getBean(SimpleMeterRegistry.class);
            assertThat(r.get("siteverify.verifications").tags("provider", "prosopo", "reason", "verified",
                    "accepted", "true").counter().count()).isEqualTo(1.0);
        });
    }

    @Test
    void theFilterOnlyInAServletAppAndOnlyOnTheNamedPatterns() {
        runner.withPropertyValues(props(Provider.PROSOPO))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(FilterRegistrationBean.class));
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SiteverifyAutoConfiguration.class))
                .withPropertyValues(props(Provider.PROSOPO));
        web.run(ctx -> assertThat(ctx.getBean("siteverifyFilter", FilterRegistrationBean.class).isEnabled()).isFalse());
        web.withPropertyValues("siteverify.filter.url-patterns=/signup,/api/*",
                "siteverify.filter.token-field=captcha").run(ctx -> {
                    FilterRegistrationBean<?> reg = ctx.getBean("siteverifyFilter", FilterRegistrationBean.class);
                    assertThat(reg.isEnabled()).isTrue();
                    assertThat(reg.getUrlPatterns()).containsExactly("/signup", "/api/*");
                    assertThat(((SiteverifyFilter) reg.getFilter()).tokenField()).isEqualTo("captcha");
                });
    }
}
