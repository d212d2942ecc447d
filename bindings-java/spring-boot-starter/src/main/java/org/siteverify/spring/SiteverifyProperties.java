package org.siteverify.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code siteverify.*} in {@code application.properties} / {@code application.yml}: the client's
 * options (each the builder setter of the same name, judged by the core when the client is
 * built: a bad value fails the application's start with the core's message), event logging, and
 * the servlet filter ({@code siteverify.filter.*}). Unset options keep the core's defaults.
 *
 * <pre>
 * siteverify.provider=prosopo
 * siteverify.secret=${PROSOPO_SECRET}
 * siteverify.filter.url-patterns=/signup,/contact
 * </pre>
 */
@ConfigurationProperties(prefix = "siteverify")
public class SiteverifyProperties {
    /**
     * The provider, by the core's name: {@code prosopo}, {@code gatekeeper}, {@code turnstile},
     * {@code hcaptcha}, {@code recaptcha}, {@code recaptcha-enterprise}, {@code friendly} or
     * {@code yandex}.
     */
    private String provider = "prosopo";
    // BEGIN GENERATED spring-properties (siteverify-vocab; edit core/, then `make vocab`)
    /** The secret key. Read it from the environment or a secret store, never from code. Required. */
    private String secret;
    /**
     * The site key tokens must belong to: hCaptcha and Friendly (optional, recommended), reCAPTCHA
     * Enterprise (required); refused by the other providers. Default: none.
     */
    private String siteKey;
    /** The Google Cloud project ID (reCAPTCHA Enterprise only, required). Default: none. */
    private String projectId;
    /**
     * A custom verify URL, path included (HTTPS, or plain HTTP to loopback). Excludes
     * {@code region}. Default: the provider's.
     */
    private String endpoint;
    /**
     * A regional endpoint: Prosopo {@code eu}, {@code us} or {@code global}; Friendly {@code eu} or
     * {@code global}. Default: global.
     */
    private String region;
    /** Total deadline for one verification, retries included (at most 300 s). Default: 10 s. */
    private Duration timeout;
    /** TCP and TLS connect timeout. Default: 3 s. */
    private Duration connectTimeout;
    /** Timeout of a single attempt, capped by the total deadline. Default: 6 s. */
    private Duration attemptTimeout;
    /** Retries after the first attempt, on connect errors, timeouts, 5xx and 429 only (at most 10). Default: 2. */
    private Integer maxRetries;
    /** Backoff ceiling of the first retry; doubles per retry, full jitter. Default: 200 ms. */
    private Duration retryBaseDelay;
    /** Backoff cap, at least {@code retry-base-delay}. Default: 2 s. */
    private Duration retryMaxDelay;
    /**
     * Accepted hostnames (exact, case-insensitive); any one passes. Refused by a provider that
     * reports no hostname. Default: none.
     */
    private List<String> expectedHostnames = new ArrayList<>();
    /**
     * Accepted actions (exact, case-sensitive); any one passes. Refused by a provider that reports
     * no action. Default: none.
     */
    private List<String> expectedActions = new ArrayList<>();
    /**
     * Reject scores above this (0 = human, 1 = bot); a missing score is rejected too. Refused by a
     * provider that reports no score. Default: none.
     */
    private Double scoreThreshold;
    /**
     * Reject challenges solved longer ago than this. Refused by a provider that reports no
     * timestamp. Default: none.
     */
    private Duration maxAge;
    /**
     * What an inconclusive outcome becomes; {@code open} accepts one only during a confirmed
     * outage. Default: closed.
     */
    private String failMode;
    /**
     * What a suspected provider fail-open counts as; unset, rejected under {@code closed}, accepted
     * under {@code open}. Default: follows fail_mode.
     */
    private String onFailOpen;
    /**
     * A proxy URL: {@code http://}, {@code https://}, {@code socks5://} or {@code socks5h://}.
     * Refused with a plain-HTTP endpoint (the proxy would see the secret). Default: HTTPS_PROXY /
     * ALL_PROXY / NO_PROXY.
     */
    private String proxy;
    /** Extra trusted CA certificates, as PEM text, besides the system store. Default: none. */
    private String caPem;
    /** Extra trusted CA certificates, as PEM files read at build time. Default: none. */
    private Path caFile;
    /** Allow a plain-HTTP endpoint that is not loopback (the secret then travels in the clear). Default: false. */
    private Boolean allowHttp;
    // END GENERATED spring-properties
    /** Logs each verification on the System.Logger {@code org.siteverify} (DEBUG/INFO/WARNING). */
    private boolean logEvents;
    /** Records Micrometer metrics when Micrometer is present (default true). */
    private boolean metrics = true;

    private final Filter filter = new Filter();

    /** {@code siteverify.filter.*}: the servlet filter, registered only when {@code url-patterns} is set. */
    public static class Filter {
        /** The URL patterns the filter guards ({@code /signup}, {@code /api/*}); none: no filter. */
        private List<String> urlPatterns = new ArrayList<>();
        /** The token's form / JSON field (default: the provider's own, e.g. {@code procaptcha-response}). */
        private String tokenField;
        /** Take the client IP from this header (right-most entry) instead of the peer: only behind your own proxy. */
        private String trustProxyHeader;
        /** The HTTP methods checked (default POST, PUT, PATCH, DELETE). */
        private List<String> methods = new ArrayList<>();
        /** {@code false}: never answer 403/503 itself; the handler reads the outcome attribute. */
        private boolean enforce = true;
        /** The largest JSON body read for the token, in bytes. */
        private Integer maxBodyBytes;
        /** The filter's order among the application's filters. */
        private int order = 0;

        public List<String> getUrlPatterns() {
            return urlPatterns;
        }

        public void setUrlPatterns(List<String> urlPatterns) {
            this.urlPatterns = urlPatterns;
        }

        public String getTokenField() {
            return tokenField;
        }

        public void setTokenField(String tokenField) {
            this.tokenField = tokenField;
        }

        public String getTrustProxyHeader() {
            return trustProxyHeader;
        }

        public void setTrustProxyHeader(String trustProxyHeader) {
            this.trustProxyHeader = trustProxyHeader;
        }

        public List<String> getMethods() {
            return methods;
        }

        public void setMethods(List<String> methods) {
            this.methods = methods;
        }

        public boolean isEnforce() {
            return enforce;
        }

        public void setEnforce(boolean enforce) {
            this.enforce = enforce;
        }

        public Integer getMaxBodyBytes() {
            return maxBodyBytes;
        }

        public void setMaxBodyBytes(Integer maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
        }

        public int getOrder() {
            return order;
        }

        public void setOrder(int order) {
            this.order = order;
        }
    }

    public Filter getFilter() {
        return filter;
    }

    public String getProvider() {
        return provider;
    }

    public void setProvider(String provider) {
        this.provider = provider;
    }

    // BEGIN GENERATED spring-accessors (siteverify-vocab; edit core/, then `make vocab`)
    public String getSecret() {
        return secret;
    }

    public void setSecret(String secret) {
        this.secret = secret;
    }

    public String getSiteKey() {
        return siteKey;
    }

    public void setSiteKey(String siteKey) {
        this.siteKey = siteKey;
    }

    public String getProjectId() {
        return projectId;
    }

    public void setProjectId(String projectId) {
        this.projectId = projectId;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getAttemptTimeout() {
        return attemptTimeout;
    }

    public void setAttemptTimeout(Duration attemptTimeout) {
        this.attemptTimeout = attemptTimeout;
    }

    public Integer getMaxRetries() {
        return maxRetries;
    }

    public void setMaxRetries(Integer maxRetries) {
        this.maxRetries = maxRetries;
    }

    public Duration getRetryBaseDelay() {
        return retryBaseDelay;
    }

    public void setRetryBaseDelay(Duration retryBaseDelay) {
        this.retryBaseDelay = retryBaseDelay;
    }

    public Duration getRetryMaxDelay() {
        return retryMaxDelay;
    }

    public void setRetryMaxDelay(Duration retryMaxDelay) {
        this.retryMaxDelay = retryMaxDelay;
    }

    public List<String> getExpectedHostnames() {
        return expectedHostnames;
    }

    public void setExpectedHostnames(List<String> expectedHostnames) {
        this.expectedHostnames = expectedHostnames;
    }

    public List<String> getExpectedActions() {
        return expectedActions;
    }

    public void setExpectedActions(List<String> expectedActions) {
        this.expectedActions = expectedActions;
    }

    public Double getScoreThreshold() {
        return scoreThreshold;
    }

    public void setScoreThreshold(Double scoreThreshold) {
        this.scoreThreshold = scoreThreshold;
    }

    public Duration getMaxAge() {
        return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
        this.maxAge = maxAge;
    }

    public String getFailMode() {
        return failMode;
    }

    public void setFailMode(String failMode) {
        this.failMode = failMode;
    }

    public String getOnFailOpen() {
        return onFailOpen;
    }

    public void setOnFailOpen(String onFailOpen) {
        this.onFailOpen = onFailOpen;
    }

    public String getProxy() {
        return proxy;
    }

    public void setProxy(String proxy) {
        this.proxy = proxy;
    }

    public String getCaPem() {
        return caPem;
    }

    public void setCaPem(String caPem) {
        this.caPem = caPem;
    }

    public Path getCaFile() {
        return caFile;
    }

    public void setCaFile(Path caFile) {
        this.caFile = caFile;
    }

    public Boolean getAllowHttp() {
        return allowHttp;
    }

    public void setAllowHttp(Boolean allowHttp) {
        this.allowHttp = allowHttp;
    }
    // END GENERATED spring-accessors

    public boolean isLogEvents() {
        return logEvents;
    }

    public void setLogEvents(boolean logEvents) {
        this.logEvents = logEvents;
    }

    public boolean isMetrics() {
        return metrics;
    }

    public void setMetrics(boolean metrics) {
        this.metrics = metrics;
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "SiteverifyProperties[provider=" + provider + ", secret=" + (secret == null ? "unset" : "***")
                + ", endpoint=" + endpoint + "]";
    }
}
