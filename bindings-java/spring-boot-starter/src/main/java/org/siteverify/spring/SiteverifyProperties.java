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
    /** The secret key (required: without it no client is configured). */
    private String secret;
    /** The site key tokens must belong to (hCaptcha, Friendly Captcha; required for reCAPTCHA Enterprise). */
    private String siteKey;
    /** The Google Cloud project ID (reCAPTCHA Enterprise only, required there). */
    private String projectId;
    /** A custom verify URL (https, or http to loopback). */
    private String endpoint;
    /** A regional endpoint: Prosopo {@code eu}, {@code us} or {@code global}; Friendly Captcha {@code eu} or {@code global}. */
    private String region;
    /** Accepted hostnames (every provider but Prosopo). */
    private List<String> expectedHostnames = new ArrayList<>();
    /** Accepted actions. */
    private List<String> expectedActions = new ArrayList<>();
    /** An explicit proxy URL. */
    private String proxy;
    /** Extra CA certificates (PEM text). */
    private String caPem;
    /** An extra CA certificate file (PEM). */
    private Path caFile;
    /** Total deadline per verification, retries included. */
    private Duration timeout;
    /** TCP and TLS connect timeout. */
    private Duration connectTimeout;
    /** Per-attempt timeout. */
    private Duration attemptTimeout;
    /** Retries after the first attempt. */
    private Integer maxRetries;
    /** Backoff ceiling of the first retry. */
    private Duration retryBaseDelay;
    /** The backoff cap. */
    private Duration retryMaxDelay;
    /** Rejects scores above this (0 = human, 1 = bot). */
    private Double scoreThreshold;
    /** Rejects challenges solved longer ago than this (not Prosopo or Yandex: they send no timestamp). */
    private Duration maxAge;
    /** {@code closed} (default) or {@code open}. */
    private String failMode;
    /** {@code accept} or {@code reject}. */
    private String onFailOpen;
    /** Allows a plain-HTTP endpoint that is not loopback. */
    private Boolean allowHttp;
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

    public Boolean getAllowHttp() {
        return allowHttp;
    }

    public void setAllowHttp(Boolean allowHttp) {
        this.allowHttp = allowHttp;
    }

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
